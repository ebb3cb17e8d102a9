package servingshell

import (
	"hash/fnv"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/types"

	"github.com/knsim/knsim/system/activator"
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
