package loopback

import (
	"hash/fnv"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/types"

	"github.com/knsim/knsim/sim/dataplane"
	"github.com/knsim/knsim/system/activator"
	"github.com/knsim/knsim/system/queue"
)

// revision is the plane's state for one revision. Sync writes it under
// Plane.mu; the request path reads proxy and ready under the read lock.
type revision struct {
	key     types.NamespacedName
	cc      int
	timeout time.Duration
	service string
	target  string
	work    dataplane.Workload

	proxy bool
	ready []*pod // sorted by name

	actMu    sync.Mutex
	actStats *queue.Stats // the activator's view of this revision
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
}

func (r *revision) actOut(now time.Time) {
	r.actMu.Lock()
	defer r.actMu.Unlock()
	r.actStats.RequestOut(now, false)
}

func (r *revision) actReport(now time.Time) queue.Stat {
	r.actMu.Lock()
	defer r.actMu.Unlock()
	return r.actStats.Report(now)
}

// serveActivator is the activator's listener: it counts each request in
// the revision's activator stats around the activator handler, as
// Knative's activator reports its own concurrency to the autoscaler.
func (p *Plane) serveActivator(w http.ResponseWriter, r *http.Request) {
	key := types.NamespacedName{
		Namespace: r.Header.Get(activator.RevisionHeaderNamespace),
		Name:      r.Header.Get(activator.RevisionHeaderName),
	}
	p.mu.RLock()
	rev := p.revs[key]
	p.mu.RUnlock()
	if rev != nil {
		rev.actIn(p.cfg.Clock.Now())
		defer func() { rev.actOut(p.cfg.Clock.Now()) }()
	}
	p.activator.ServeHTTP(w, r)
}

// stream returns a random stream derived from the seed and a name.
func (p *Plane) stream(name string) *rand.Rand {
	h := fnv.New64a()
	_, _ = h.Write([]byte(name))
	return rand.New(rand.NewPCG(p.cfg.Seed, h.Sum64()))
}
