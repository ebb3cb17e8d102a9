package traffic

import (
	"fmt"
	"time"

	"github.com/knsim/knsim/system/telemetry"
)

// Hey is a closed-loop burst with hey's flags: C workers each send a request,
// wait for its response, and send the next, until N requests in total have
// been sent or, when Z is set, until Z has passed. Q limits each worker to Q
// requests per second (0: no limit).
type Hey struct {
	Host string
	N    int
	C    int
	Z    time.Duration
	Q    float64
}

// Validate implements Generator.
func (h Hey) Validate() error {
	switch {
	case h.Host == "":
		return fmt.Errorf("hey: host is required")
	case h.C < 1:
		return fmt.Errorf("hey: c must be at least 1, got %d", h.C)
	case h.Z < 0:
		return fmt.Errorf("hey: z must not be negative, got %s", h.Z)
	case h.Z == 0 && h.N < h.C:
		return fmt.Errorf("hey: n (%d) must be at least c (%d) when z is not set", h.N, h.C)
	case h.Q < 0:
		return fmt.Errorf("hey: q must not be negative, got %g", h.Q)
	}
	return nil
}

// Run implements Generator.
func (h Hey) Run(s Scheduler, start time.Time, send Sender) {
	end := start.Add(h.Z)
	perWorker := 0
	if h.Z == 0 {
		perWorker = h.N / h.C // as hey does, the remainder is not sent
	}
	var gap time.Duration
	if h.Q > 0 {
		gap = time.Duration(float64(time.Second) / h.Q)
	}
	for w := 0; w < h.C; w++ {
		wk := &heyWorker{h: h, s: s, send: send, end: end, left: perWorker, gap: gap}
		s.Schedule(start, wk.fire)
	}
}

type heyWorker struct {
	h        Hey
	s        Scheduler
	send     Sender
	end      time.Time
	left     int
	gap      time.Duration
	lastSent time.Time
}

func (w *heyWorker) fire(now time.Time) {
	if w.h.Z > 0 && !now.Before(w.end) {
		return
	}
	if w.h.Z == 0 {
		if w.left == 0 {
			return
		}
		w.left--
	}
	w.lastSent = now
	w.send(now, w.h.Host, w.next)
}

// next runs when the worker's response arrives.
func (w *heyWorker) next(rec telemetry.Record) {
	at := rec.End
	if w.gap > 0 && w.lastSent.Add(w.gap).After(at) {
		at = w.lastSent.Add(w.gap)
	}
	w.s.Schedule(at, w.fire)
}
