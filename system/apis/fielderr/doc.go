// Package fielderr is a small Knative-style field error: a message tied to the
// field paths it concerns, which nested validators prefix as they return
// (ViaField, ViaIndex) and accumulate (Also). Its Error text matches
// knative.dev/pkg/apis.FieldError so that kubectl users see familiar messages.
package fielderr
