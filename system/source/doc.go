// Package source is the seam between knsim's event sources (PingSource,
// ApiServerSource, ContainerSource) and the data plane: the control plane
// decides when and what to emit, and hands each CloudEvent to an Emitter.
// The default Emitter drops events, so the control plane runs without a
// data plane; the data plane (or a test) plugs its own in with WithEmitter
// or a reconciler field.
//
// It also owns how a source's adapter sends (retry.go): Knative's adapters
// send with the CloudEvents SDK client, retrying 5 times with a 50 ms
// exponential backoff on the SDK's retriable statuses; AdapterPolicy and
// AdapterOptions give the delivery core that behaviour for direct sends.
package source
