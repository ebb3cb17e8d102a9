package servingshell

import (
	"hash/fnv"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/types"

	"github.com/knsim/knsim/system/activator"
	"github.com/knsim/knsim/system/autoscaler/policy"
	"github.com/knsim/knsim/system/container"
	"github.com/knsim/knsim/system/queue"
)

// revision is the shell's state for one revision. Sync writes it under
// Shell.mu; the request path reads proxy and ready under the read lock.
type revision struct {
	key     types.NamespacedName
	cc      int
	timeout time.Duration
	service string
	target  string
	work    container.Workload

	proxy bool
	ready []*pod // sorted by name

	actMu    sync.Mutex
	actStats *queue.Stats // the activator's view of this revision
	// actHeld counts the requests in the activator (waiting or proxied);
	// lastArrival is when the latest one came.
	actHeld     int
	lastArrival time.Time
}

// podNames are the names of the revision's ready pods.
func (r *revision) podNames() []string {
	names := make([]string, len(r.ready))
	for i, pd := range r.ready {
		names[i] = pd.name
	}
	return names
}

// actIn and actOut count a request in the activator.
func (r *revision) actIn(now time.Time) {
	r.actMu.Lock()
	defer r.actMu.Unlock()
	r.actStats.RequestIn(now, false)
	r.actHeld++
	r.lastArrival = now
}

func (r *revision) actOut(now time.Time) {
	r.actMu.Lock()
	defer r.actMu.Unlock()
	r.actStats.RequestOut(now, false)
	r.actHeld--
}

// observe is the revision's per-instance view for scaling policies: ready
// pods with their requests and idleness, and as waiting the activator's
// requests that no pod holds (all go through the activator for those
// policies; a request between the two counts as waiting for an instant).
func (r *revision) observe(ready, all []*pod) policy.Observation {
	r.actMu.Lock()
	o := policy.Observation{Waiting: r.actHeld, LastArrival: r.lastArrival}
	r.actMu.Unlock()
	for _, pd := range all {
		held, _ := pd.activity()
		o.Waiting -= held
	}
	o.Waiting = max(o.Waiting, 0)
	for _, pd := range ready {
		held, since := pd.activity()
		p := policy.Pod{Name: pd.name, InFlight: held}
		if held == 0 {
			p.IdleSince = since
		}
		o.Pods = append(o.Pods, p)
	}
	return o
}

func (r *revision) actReport(now time.Time) queue.Stat {
	r.actMu.Lock()
	defer r.actMu.Unlock()
	return r.actStats.Report(now)
}

// serveActivator is the activator's listener: it counts each request in
// the revision's activator stats around the activator handler, as
// Knative's activator reports its own concurrency to the autoscaler.
func (sh *Shell) serveActivator(w http.ResponseWriter, r *http.Request) {
	key := types.NamespacedName{
		Namespace: r.Header.Get(activator.RevisionHeaderNamespace),
		Name:      r.Header.Get(activator.RevisionHeaderName),
	}
	sh.mu.RLock()
	rev := sh.revs[key]
	sh.mu.RUnlock()
	if rev != nil {
		rev.actIn(sh.cfg.Clock.Now())
		defer func() { rev.actOut(sh.cfg.Clock.Now()) }()
	}
	sh.activator.ServeHTTP(w, r)
}

// stream returns a random stream derived from the seed and a name.
func (sh *Shell) stream(name string) *rand.Rand {
	h := fnv.New64a()
	_, _ = h.Write([]byte(name))
	return rand.New(rand.NewPCG(sh.cfg.Seed, h.Sum64()))
}
