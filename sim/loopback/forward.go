package loopback

import (
	"context"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httputil"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/types"

	"github.com/knsim/knsim/system/ingress"
)

// forwarder is what sits behind the gateway: Knative's ingress sends a
// revision's traffic to its public Service, whose endpoints are the
// activator while the ServerlessService is in Proxy mode (or the revision
// has no ready pod) and the ready pods otherwise.
type forwarder struct {
	p         *Plane
	transport *http.Transport
	proxy     *httputil.ReverseProxy
}

type upstreamKey struct{}

func newForwarder(p *Plane) *forwarder {
	f := &forwarder{p: p, transport: newTransport()}
	f.proxy = &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.Out.URL.Scheme = "http"
			pr.Out.URL.Host = pr.In.Context().Value(upstreamKey{}).(string)
			pr.Out.Host = pr.In.Host
			pr.SetXForwarded()
		},
		Transport:  f.transport,
		BufferPool: bufferPool{},
		ErrorHandler: func(w http.ResponseWriter, _ *http.Request, err error) {
			http.Error(w, err.Error(), http.StatusBadGateway)
		},
	}
	return f
}

// serve forwards a request the gateway has routed.
func (f *forwarder) serve(w http.ResponseWriter, r *http.Request) {
	t, _ := ingress.TargetFrom(r.Context())
	addr := f.p.endpoint(types.NamespacedName{Namespace: t.Namespace, Name: t.Revision})
	if addr == "" {
		http.Error(w, "revision "+t.Namespace+"/"+t.Revision+" is not in the data plane yet", http.StatusServiceUnavailable)
		return
	}
	f.proxy.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), upstreamKey{}, addr)))
}

// endpoint picks where a revision's request goes: the activator, or a
// ready pod at random as kube-proxy would; "" for an unknown revision.
func (p *Plane) endpoint(key types.NamespacedName) string {
	p.mu.RLock()
	defer p.mu.RUnlock()
	rev := p.revs[key]
	switch {
	case rev == nil:
		return ""
	case rev.proxy || len(rev.ready) == 0:
		return p.actAddr
	default:
		return rev.ready[rand.IntN(len(rev.ready))].addr
	}
}

// newTransport is the HTTP/1.1 client of the loopback hops: keep-alive
// pools large enough that a burst does not churn connections, and no
// environment proxy.
func newTransport() *http.Transport {
	return &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConnsPerHost: 1024,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
}

// bufferPool recycles the reverse proxy's copy buffers.
type bufferPool struct{}

var buffers = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}

func (bufferPool) Get() []byte  { return *buffers.Get().(*[]byte) }
func (bufferPool) Put(b []byte) { buffers.Put(&b) }
