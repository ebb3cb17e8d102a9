package servingshell

import (
	"context"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httputil"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/types"

	"github.com/knsim/knsim/system/httpserve"
	"github.com/knsim/knsim/system/ingress"
	"github.com/knsim/knsim/system/telemetry"
)

// forwarder is what sits behind the gateway: Knative's ingress sends a
// revision's traffic to its public Service, whose endpoints are the
// activator while the ServerlessService is in Proxy mode (or the revision
// has no ready pod) and the ready pods otherwise.
type forwarder struct {
	sh        *Shell
	transport *http.Transport
	proxy     *httputil.ReverseProxy
}

type upstreamKey struct{}

func newForwarder(sh *Shell) *forwarder {
	f := &forwarder{sh: sh, transport: newTransport()}
	f.proxy = &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.Out.URL.Scheme = "http"
			pr.Out.URL.Host = pr.In.Context().Value(upstreamKey{}).(string)
			pr.Out.Host = pr.In.Host
			pr.SetXForwarded()
		},
		Transport:  f.transport,
		BufferPool: bufferPool{},
		ErrorHandler: httpserve.ProxyErrorHandler(func(r *http.Request) string {
			t, _ := ingress.TargetFrom(r.Context())
			return "revision " + t.Namespace + "/" + t.Revision
		}),
	}
	return f
}

// serve forwards a request the gateway has routed.
func (f *forwarder) serve(w http.ResponseWriter, r *http.Request) {
	t, _ := ingress.TargetFrom(r.Context())
	key := types.NamespacedName{Namespace: t.Namespace, Name: t.Revision}
	var rec *telemetry.Record
	if f.sh.cfg.OnRequest != nil {
		rec = f.sh.record(key, r.Host)
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		w = sw
		defer func() {
			rec.End, rec.Status = f.sh.cfg.Clock.Now(), sw.status
			f.sh.cfg.OnRequest(*rec)
		}()
	}
	addr := f.sh.endpoint(key)
	if addr == "" {
		http.Error(w, "revision "+t.Namespace+"/"+t.Revision+" is not in the data plane yet", http.StatusServiceUnavailable)
		return
	}
	if rec != nil && addr == f.sh.actAddr {
		rec.Path = telemetry.PathActivator
	}
	f.proxy.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), upstreamKey{}, addr)))
}

// record starts the record of a request to a revision: a request that
// arrives while the revision has no ready pod is a cold start, as in the
// simulated data plane.
func (sh *Shell) record(key types.NamespacedName, host string) *telemetry.Record {
	rec := &telemetry.Record{Start: sh.cfg.Clock.Now(), Host: host, Namespace: key.Namespace, Revision: key.Name, Path: telemetry.PathDirect}
	sh.mu.RLock()
	if rev := sh.revs[key]; rev != nil {
		rec.Service, rec.ColdStart = rev.service, len(rev.ready) == 0
	}
	sh.mu.RUnlock()
	return rec
}

// statusWriter remembers the status code a handler wrote.
type statusWriter struct {
	http.ResponseWriter
	status      int
	wroteHeader bool
}

func (s *statusWriter) WriteHeader(code int) {
	if !s.wroteHeader {
		s.status, s.wroteHeader = code, true
	}
	s.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// endpoint picks where a revision's request goes: the activator, or a
// ready pod at random as kube-proxy would; "" for an unknown revision.
func (sh *Shell) endpoint(key types.NamespacedName) string {
	sh.mu.RLock()
	defer sh.mu.RUnlock()
	rev := sh.revs[key]
	switch {
	case rev == nil:
		return ""
	case rev.proxy || len(rev.ready) == 0:
		return sh.actAddr
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
