package chrometrace

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"github.com/knsim/knsim/sim/cluster"
	"github.com/knsim/knsim/system/telemetry"
)

// traceStream tells the sampling stream apart from the run's own streams
// of the same seed.
const traceStream = 0x6b6e73696d747263 // "knsimtrc"

// Trace collects a run's sampled requests and its pod events.
type Trace struct {
	start time.Time
	rate  float64

	mu   sync.Mutex
	rng  *rand.Rand
	seen int
	reqs []telemetry.Record
	pods []cluster.PodEvent
}

// New returns a Trace of a run starting at start (the engine's virtual
// epoch) that keeps each request with probability rate, in (0, 1],
// drawn from a stream of seed.
func New(start time.Time, seed uint64, rate float64) (*Trace, error) {
	if !(rate > 0 && rate <= 1) {
		return nil, fmt.Errorf("chrometrace: the sampling rate must be in (0, 1], got %g", rate)
	}
	return &Trace{start: start, rate: rate, rng: rand.New(rand.NewPCG(seed, traceStream))}, nil
}

// OnRequest samples a finished request (runner.Options.OnRequest); it is
// safe for concurrent use, and records come in the order they end.
func (t *Trace) OnRequest(rec telemetry.Record) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.seen++
	if t.rate < 1 && t.rng.Float64() >= t.rate {
		return
	}
	t.reqs = append(t.reqs, rec)
}

// OnPodEvent keeps a pod's lifecycle transition
// (runner.Options.OnPodEvent).
func (t *Trace) OnPodEvent(e cluster.PodEvent) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.pods = append(t.pods, e)
}

// Counts are how many requests the trace saw and kept, and the pod
// events it holds.
func (t *Trace) Counts() (seen, kept, podEvents int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.seen, len(t.reqs), len(t.pods)
}

// revisionOfPod is the revision a pod event's Deployment belongs to:
// <rev>-deployment, or <rev>-reserve for reserve instances.
func revisionOfPod(e cluster.PodEvent) string {
	return strings.TrimSuffix(strings.TrimSuffix(e.Deployment, "-deployment"), "-reserve")
}
