package ingress

// The real shell: the gateway as a net/http handler around a Router, with a
// mutex and a seeded random stream.

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"
	"sync/atomic"

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

// DefaultMaxBodyBytes is the gateway's default request-size limit:
// 10 MiB. Knative's own ingresses set none, but every hop behind knsim's
// gateway is in-process, so the limit keeps one request from taking the
// process's memory.
const DefaultMaxBodyBytes int64 = 10 << 20

// Gateway routes each request by its Host header and hands it to next with
// the revision headers set and the Target in its context. Unknown hosts get
// 404; a body over the size limit (DefaultMaxBodyBytes unless LimitBody
// says otherwise) gets 413. Use NewGateway.
type Gateway struct {
	next     http.Handler
	onMiss   func(*http.Request) bool
	maxBytes int64

	mu     sync.Mutex
	router *Router
	rng    *rand.Rand
	// byTagHeader is config-features' tag-header-based-routing.
	byTagHeader atomic.Bool
}

type targetKey struct{}

// NewGateway returns a gateway with no Routes that draws its splits from
// rng and forwards to next.
func NewGateway(rng *rand.Rand, next http.Handler) *Gateway {
	return &Gateway{next: next, router: NewRouter(), rng: rng, maxBytes: DefaultMaxBodyBytes}
}

// LimitBody sets the request-size limit: a request whose Content-Length
// is over n bytes gets 413 at once, and a body without one that grows past
// n fails with a *http.MaxBytesError (the proxy behind answers 413). Set
// it before serving.
func (g *Gateway) LimitBody(n int64) error {
	if n <= 0 {
		return fmt.Errorf("ingress: the request-size limit must be positive, got %d", n)
	}
	g.maxBytes = n
	return nil
}

// MaxBodyBytes is the request-size limit.
func (g *Gateway) MaxBodyBytes() int64 { return g.maxBytes }

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

// RouteByTagHeader turns routing by the Knative-Serving-Tag header on or
// off (Serving's tag-header-based-routing feature flag); it is off until
// set.
func (g *Gateway) RouteByTagHeader(on bool) { g.byTagHeader.Store(on) }

// route picks a Target for host, and for the tag the request names when
// routing by tag header is on.
func (g *Gateway) route(host, tag string) (Target, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if tag != "" && g.byTagHeader.Load() {
		return g.router.RouteTag(host, tag, g.rng.Float64())
	}
	return g.router.Route(host, g.rng.Float64())
}

// TargetFrom returns the Target the gateway chose for a request.
func TargetFrom(ctx context.Context) (Target, bool) {
	t, ok := ctx.Value(targetKey{}).(Target)
	return t, ok
}

// ServeHTTP implements http.Handler.
func (g *Gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	tag := r.Header.Get(TagHeaderName)
	t, err := g.route(r.Host, tag)
	if nf := (*NotFoundError)(nil); errors.As(err, &nf) && g.onMiss != nil && g.onMiss(r) {
		t, err = g.route(r.Host, tag)
	}
	if err != nil {
		code := http.StatusInternalServerError
		if nf := (*NotFoundError)(nil); errors.As(err, &nf) {
			code = http.StatusNotFound
		}
		http.Error(w, err.Error(), code)
		return
	}
	if r.ContentLength > g.maxBytes {
		w.Header().Set("Connection", "close")
		http.Error(w, fmt.Sprintf("request body is %d bytes; the gateway takes at most %d", r.ContentLength, g.maxBytes),
			http.StatusRequestEntityTooLarge)
		return
	}
	if r.Body != nil && r.Body != http.NoBody {
		r.Body = http.MaxBytesReader(w, r.Body, g.maxBytes)
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
