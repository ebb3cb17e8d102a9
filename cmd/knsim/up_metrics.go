package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"syscall"
	"time"

	"github.com/spf13/pflag"
	"sigs.k8s.io/controller-runtime/pkg/client"
	crmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"

	"github.com/knsim/knsim/system/httpserve"
	"github.com/knsim/knsim/system/metrics"
	"github.com/knsim/knsim/system/shell"
	"github.com/knsim/knsim/system/telemetry"
)

// defaultMetricsAddr is where `knsim up` serves Prometheus metrics unless
// told otherwise: the port Knative's autoscaler serves its metrics on.
const defaultMetricsAddr = "127.0.0.1:9090"

// metricsOptions are `knsim up`'s metrics flags.
type metricsOptions struct {
	// addr is the metrics listener's host:port ("": no metrics); addrSet
	// tells whether the user chose it, so a busy default can fall back to
	// a free port.
	addr    string
	addrSet bool
}

func (o *metricsOptions) addFlags(f *pflag.FlagSet) {
	f.StringVar(&o.addr, "metrics-addr", defaultMetricsAddr,
		`serve Prometheus metrics (Knative's autoscaler_*, activator_* and revision_* families, and controller-runtime's) on http://ADDR/metrics; a loopback host:port (port 0: any free one; a busy default falls back to one); "" serves none (docs/metrics.md)`)
}

// validate refuses an address that is not a loopback host:port: the
// endpoint has no authentication.
func (o metricsOptions) validate() error {
	if o.addr == "" {
		return nil
	}
	host, port, err := net.SplitHostPort(o.addr)
	if err != nil {
		return fmt.Errorf("--metrics-addr %q is not host:port: %w", o.addr, err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("--metrics-addr %q must be on a loopback address such as 127.0.0.1 (the endpoint has no authentication)", o.addr)
	}
	if _, err := net.LookupPort("tcp", port); err != nil {
		return fmt.Errorf("--metrics-addr %q: bad port: %w", o.addr, err)
	}
	return nil
}

// metricsServer is the running metrics endpoint and the hooks that feed
// it; a nil *metricsServer (no --metrics-addr) hooks nothing.
type metricsServer struct {
	set  *metrics.Set
	srv  *http.Server
	addr string
}

// start listens on the address (a busy default falls back to a free
// port) and serves knsim's families with controller-runtime's registry,
// whose families the manager's controllers, work queues and clients
// fill whether or not its own metrics server runs.
func (o metricsOptions) start(ctx context.Context, d metrics.Deciders, c client.Reader) (*metricsServer, error) {
	if o.addr == "" {
		return nil, nil
	}
	set, err := metrics.New(metrics.Config{Deciders: d, Client: c})
	if err != nil {
		return nil, err
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", o.addr)
	if err != nil && !o.addrSet && errors.Is(err, syscall.EADDRINUSE) {
		fmt.Fprintf(os.Stderr, "knsim: %s is busy, the metrics endpoint takes a free port\n", o.addr)
		host, _, _ := net.SplitHostPort(o.addr)
		ln, err = lc.Listen(ctx, "tcp", net.JoinHostPort(host, "0"))
	}
	if err != nil {
		return nil, fmt.Errorf("--metrics-addr: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", set.Handler(crmetrics.Registry))
	srv, err := httpserve.New(mux, httpserve.Limits{})
	if err != nil {
		return nil, errors.Join(err, ln.Close())
	}
	go func() { _ = srv.Serve(ln) }()
	return &metricsServer{set: set, srv: srv, addr: ln.Addr().String()}, nil
}

// hook has the shells report to the endpoint: every routed request, each
// second's load and the activator's concurrency on their way to the
// autoscaler.
func (m *metricsServer) hook(cfg *shell.Config) {
	if m == nil {
		return
	}
	r := m.set.Requests
	if cfg.Metrics != nil {
		cfg.Metrics = r.Reporting(cfg.Metrics)
	}
	cfg.Serving.OnRequest = chainRequest(cfg.Serving.OnRequest, r.Observe)
	cfg.Serving.OnSecond = chainSecond(cfg.Serving.OnSecond, r.Second)
}

// bannerLine tells where the metrics are, for the banner.
func (m *metricsServer) bannerLine() string {
	if m == nil {
		return "Metrics: none (--metrics-addr \"\")\n"
	}
	return fmt.Sprintf("Metrics: http://%s/metrics (Prometheus: Knative's autoscaler_*, activator_*, revision_* and controller-runtime's)\n", m.addr)
}

// close stops the endpoint.
func (m *metricsServer) close() error {
	if m == nil {
		return nil
	}
	return m.srv.Close()
}

// chainRequest calls first (when set), then next.
func chainRequest(first, next func(telemetry.Record)) func(telemetry.Record) {
	if first == nil {
		return next
	}
	return func(r telemetry.Record) { first(r); next(r) }
}

// chainSecond calls first (when set), then next.
func chainSecond(first, next func(time.Time, []telemetry.RevisionSecond)) func(time.Time, []telemetry.RevisionSecond) {
	if first == nil {
		return next
	}
	return func(now time.Time, l []telemetry.RevisionSecond) { first(now, l); next(now, l) }
}
