// Package resources builds and reads channels of any kind generically, as
// unstructured objects: a channel is whatever a ChannelTemplateSpec names,
// with spec.subscribers and spec.delivery, and a status with an address,
// conditions and per-subscriber readiness. Sequence, Parallel, Channel and
// Subscription all go through these helpers.
package resources
