// Package webhook owns knsim's admission webhooks: defaulting and validation
// of the Serving and Eventing kinds, and the webhook configurations that
// point the apiserver at them.
//
// A few rules depend on the cluster's settings, as in Knative: initial-scale
// "0" needs allow-zero-initial-scale in config-autoscaler (knative-serving),
// and a Trigger or Subscription may name another namespace only when
// cross-namespace-event-links is "enabled" in config-features
// (knative-eventing). The webhook server reads those ConfigMaps when an
// object needs them (AdmitIn); Admit takes Knative's defaults.
package webhook
