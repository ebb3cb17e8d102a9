package source

import (
	"context"
	"sync"

	cloudevents "github.com/cloudevents/sdk-go/v2"
)

// attached maps an owner (a controller-runtime manager) to its Emitter.
var attached sync.Map

// Attach makes e the Emitter of every source controller set up on owner,
// which is the controller-runtime manager they were added to. It may be
// called before or after the controllers are set up (for example from
// sim/world's Config.Setup) and takes effect at the next emit; a nil e
// detaches.
func Attach(owner any, e Emitter) {
	if e == nil {
		attached.Delete(owner)
		return
	}
	attached.Store(owner, e)
}

// Of returns the Emitter the source controllers of owner use: it emits
// through whatever is attached to owner at the time of each emit, else the
// Emitter the context carries, else nowhere.
func Of(owner any) Emitter {
	return EmitterFunc(func(ctx context.Context, sinkURI string, event cloudevents.Event) error {
		if e, ok := attached.Load(owner); ok {
			return e.(Emitter).Emit(ctx, sinkURI, event)
		}
		return EmitterFrom(ctx).Emit(ctx, sinkURI, event)
	})
}
