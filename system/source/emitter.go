package source

import (
	"context"
	"sync"

	cloudevents "github.com/cloudevents/sdk-go/v2"
)

// Emitter delivers one event produced by a source to the source's resolved
// sink. Emit must not block on virtual time: in the simulator it runs inside
// a reconcile.
type Emitter interface {
	Emit(ctx context.Context, sinkURI string, event cloudevents.Event) error
}

// EmitterFunc adapts a function to Emitter.
type EmitterFunc func(ctx context.Context, sinkURI string, event cloudevents.Event) error

// Emit implements Emitter.
func (f EmitterFunc) Emit(ctx context.Context, sinkURI string, event cloudevents.Event) error {
	return f(ctx, sinkURI, event)
}

// Discard is the default Emitter: it drops every event.
var Discard Emitter = EmitterFunc(func(context.Context, string, cloudevents.Event) error { return nil })

type emitterKey struct{}

// WithEmitter returns ctx carrying e, for drivers that call reconcilers
// directly with their own context (the memory control plane). Controllers
// run by a manager get their context from the manager's BaseContext, not
// from the context the manager was started with: use Attach for them.
func WithEmitter(ctx context.Context, e Emitter) context.Context {
	return context.WithValue(ctx, emitterKey{}, e)
}

// EmitterFrom returns the Emitter ctx carries, or Discard.
func EmitterFrom(ctx context.Context) Emitter {
	if e, ok := ctx.Value(emitterKey{}).(Emitter); ok && e != nil {
		return e
	}
	return Discard
}

// Emitted is one event a Recorder saw.
type Emitted struct {
	// SinkURI is where the event was sent.
	SinkURI string
	// Event is the event itself.
	Event cloudevents.Event
}

// Recorder is an Emitter that keeps every event, for tests and reports.
// The zero value is ready to use; it is safe for concurrent use.
type Recorder struct {
	mu     sync.Mutex
	events []Emitted
}

// Emit implements Emitter.
func (r *Recorder) Emit(_ context.Context, sinkURI string, event cloudevents.Event) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, Emitted{SinkURI: sinkURI, Event: event.Clone()})
	return nil
}

// Events returns a copy of the events seen so far, in emission order.
func (r *Recorder) Events() []Emitted {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]Emitted, len(r.events))
	copy(out, r.events)
	return out
}

// Reset forgets every recorded event.
func (r *Recorder) Reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = nil
}
