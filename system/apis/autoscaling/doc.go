// Package autoscaling owns the autoscaling.knative.dev annotation keys, their
// allowed ranges and the knsim reserve-instance annotations.
package autoscaling
