package servingshell

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync"
	"time"

	"k8s.io/utils/clock"

	"github.com/knsim/knsim/system/httpserve"
	"github.com/knsim/knsim/system/queue"
)

// drainGrace is how long a pod that left the endpoints keeps accepting
// requests before it shuts down, so requests already routed to it land
// (Knative's queue-proxy drains for longer, 30 s).
const drainGrace = time.Second

// pod is one ready pod: a listener on 127.0.0.1 standing in for
// podIP:8012, served by the revision's queue-proxy in front of an
// in-process user container.
type pod struct {
	name      string
	addr      string
	timeout   time.Duration
	qp        *queue.ProxyHandler
	container *Container
	srv       *http.Server
	served    chan struct{} // closed when Serve returns

	// held counts the requests in the pod; idleSince is when it last
	// dropped to 0 (what per-request scaling policies decide from).
	clk       clock.Clock
	heldMu    sync.Mutex
	held      int
	idleSince time.Time
}

// activity is the pod's requests in flight and when it last became idle.
func (pd *pod) activity() (held int, idleSince time.Time) {
	pd.heldMu.Lock()
	defer pd.heldMu.Unlock()
	return pd.held, pd.idleSince
}

// startPod starts a pod's queue-proxy with containerConcurrency cc,
// bounding each request by the revision's timeout.
func startPod(clk clock.Clock, limits httpserve.Limits, name string, cc int, timeout time.Duration, c *Container) (*pod, error) {
	qp, err := queue.NewProxyHandler(cc, clk, c)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	pd := &pod{name: name, addr: ln.Addr().String(), timeout: timeout, qp: qp, container: c, served: make(chan struct{}), clk: clk, idleSince: clk.Now()}
	pd.srv = newServer(pd, limits)
	go func() {
		defer close(pd.served)
		_ = pd.srv.Serve(ln) // ErrServerClosed after shutdown
	}()
	return pd, nil
}

// ServeHTTP bounds the request by the revision's timeout and hands it to
// queue-proxy.
func (pd *pod) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	pd.heldMu.Lock()
	pd.held++
	pd.heldMu.Unlock()
	defer func() {
		pd.heldMu.Lock()
		defer pd.heldMu.Unlock()
		if pd.held--; pd.held == 0 {
			pd.idleSince = pd.clk.Now()
		}
	}()
	if pd.timeout > 0 {
		ctx, cancel := context.WithTimeout(r.Context(), pd.timeout)
		defer cancel()
		r = r.WithContext(ctx)
	}
	pd.qp.ServeHTTP(w, r)
}

// drain keeps serving for drainGrace (or until stop is closed), then shuts
// the server down once its requests have finished, at most after the
// revision timeout. Closing the server cuts the wait short.
func (pd *pod) drain(clk clock.Clock, stop <-chan struct{}) {
	t := clk.NewTimer(drainGrace)
	select {
	case <-t.C():
	case <-stop:
		t.Stop()
	}
	grace := pd.timeout
	if grace <= 0 {
		grace = time.Minute
	}
	shutdown(pd.srv, grace)
	<-pd.served
}

// shutdown stops srv accepting, waits up to grace for its requests, then
// closes what is left.
func shutdown(srv *http.Server, grace time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if err := srv.Shutdown(ctx); errors.Is(err, context.DeadlineExceeded) {
		_ = srv.Close()
	}
}

// newServer is an HTTP/1.1 server for the gateway, the activator and the
// pods, with the limits Config.defaults validated.
func newServer(h http.Handler, limits httpserve.Limits) *http.Server {
	srv, err := httpserve.New(h, limits)
	if err != nil {
		panic(err) // validated by Config.defaults
	}
	return srv
}
