// Package webhook owns knsim's admission webhooks: defaulting and validation
// of the serving.knative.dev kinds, and the webhook configurations that point
// the apiserver at them.
package webhook
