// Package source is the seam between knsim's event sources (PingSource,
// ApiServerSource) and the data plane: the control plane decides when and
// what to emit, and hands each CloudEvent to an Emitter. The default Emitter
// drops events, so the control plane runs without a data plane; the data
// plane (or a test) plugs its own in with WithEmitter or a reconciler field.
package source
