package ingress

// The real shell: the gateway as a net/http handler around a Router, with a
// mutex and a seeded random stream.

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"sync"

	servingv1 "github.com/knsim/knsim/system/apis/serving/v1"
)

// Headers the gateway sets on routed requests, as Knative's ingress does
// on each split. The revision headers are the ones the activator reads.
const (
	// RevisionHeaderNamespace carries the chosen revision's namespace.
	RevisionHeaderNamespace = "Knative-Serving-Namespace"
	// RevisionHeaderName carries the chosen revision's name.
	RevisionHeaderName = "Knative-Serving-Revision"
	// TagHeaderName carries the tag, on requests that came in on a tag host.
	TagHeaderName = "Knative-Serving-Tag"
)

// Gateway routes each request by its Host header and hands it to next with
// the revision headers set and the Target in its context. Unknown hosts get
// 404. Use NewGateway.
type Gateway struct {
	next   http.Handler
	onMiss func(*http.Request) bool

	mu     sync.Mutex
	router *Router
	rng    *rand.Rand
}

type targetKey struct{}

// NewGateway returns a gateway with no Routes that draws its splits from
// rng and forwards to next.
func NewGateway(rng *rand.Rand, next http.Handler) *Gateway {
	return &Gateway{next: next, router: NewRouter(), rng: rng}
}

// OnMiss sets a hook for requests whose host no Route serves: when it
// returns true (it brought the Routes up to date), the request is routed
// once more before it gets its 404. A data plane that syncs periodically
// uses it so that a Route reported Ready answers at once, as Knative's
// Route is Ready only once its ingress is programmed. Set it before
// serving.
func (g *Gateway) OnMiss(f func(*http.Request) bool) { g.onMiss = f }

// Upsert adds or replaces a Route.
func (g *Gateway) Upsert(rt *servingv1.Route) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.router.Upsert(rt)
}

// Delete removes a Route.
func (g *Gateway) Delete(namespace, name string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.router.Delete(namespace, name)
}

// route picks a Target for host.
func (g *Gateway) route(host string) (Target, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.router.Route(host, g.rng.Float64())
}

// TargetFrom returns the Target the gateway chose for a request.
func TargetFrom(ctx context.Context) (Target, bool) {
	t, ok := ctx.Value(targetKey{}).(Target)
	return t, ok
}

// ServeHTTP implements http.Handler.
func (g *Gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	t, err := g.route(r.Host)
	if nf := (*NotFoundError)(nil); errors.As(err, &nf) && g.onMiss != nil && g.onMiss(r) {
		t, err = g.route(r.Host)
	}
	if err != nil {
		code := http.StatusInternalServerError
		if nf := (*NotFoundError)(nil); errors.As(err, &nf) {
			code = http.StatusNotFound
		}
		http.Error(w, err.Error(), code)
		return
	}
	// The gateway owns the incoming request, so it sets the routing headers
	// in place: a shallow copy carries the target without copying every
	// header per request.
	out := r.WithContext(context.WithValue(r.Context(), targetKey{}, t))
	out.Header.Set(RevisionHeaderNamespace, t.Namespace)
	out.Header.Set(RevisionHeaderName, t.Revision)
	if t.Tag != "" {
		out.Header.Set(TagHeaderName, t.Tag)
	} else {
		out.Header.Del(TagHeaderName)
	}
	g.next.ServeHTTP(w, out)
}
