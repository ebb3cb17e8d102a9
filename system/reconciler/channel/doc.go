// Package channel reconciles messaging.knative.dev Channels: each is backed
// by a channel of its template's kind (InMemoryChannel by default) of the
// same name, which gets the Channel's subscribers and delivery and whose
// address and status the Channel mirrors.
package channel
