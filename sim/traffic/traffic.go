package traffic

import (
	"time"

	"github.com/knsim/knsim/sim/engine"
	"github.com/knsim/knsim/system/telemetry"
)

// Scheduler is the part of the engine a generator uses.
type Scheduler interface {
	Schedule(at time.Time, fn func(now time.Time)) engine.EventID
}

// Sender sends one request to host at now; done, when not nil, must be called
// once with the request's record when its response arrives (rec.End is
// that time).
type Sender func(now time.Time, host string, done func(rec telemetry.Record))

// Generator produces requests from start on.
type Generator interface {
	// Validate reports a configuration error, naming the field.
	Validate() error
	// Run schedules the generator's first arrival; later ones follow as events.
	Run(s Scheduler, start time.Time, send Sender)
}
