// Package service reconciles serving.knative.dev Services: each owns a
// Configuration and a Route of its own name, and mirrors their status.
package service
