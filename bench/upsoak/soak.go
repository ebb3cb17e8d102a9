package upsoak

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// Options configure a soak.
type Options struct {
	// Knsim is the knsim binary to start; required.
	Knsim string
	// Dir holds the child's kubeconfig, NATS token, JetStream store and
	// log; required.
	Dir string
	// Before is how long the stack idles, sampled, before the load.
	Before time.Duration
	// Load is how long the load lasts.
	Load time.Duration
	// After bounds the wait for goroutines to come back after the load;
	// the phase ends early once they are within Limits.GoroutineSlack.
	After time.Duration
	// Every is the sampling period.
	Every time.Duration
	// RPS and Workers pace the HTTP requests through the gateway;
	// EventRate and EventWorkers the CloudEvents into the broker.
	RPS, Workers, EventRate, EventWorkers int
	// ServiceTime is how long each in-process container holds a request
	// (knsim up --service-time): with the rates it sets the requests in
	// flight, so that the Service scales out under the load and back in
	// after it.
	ServiceTime time.Duration
	// GC is the child's --gc-memory-limit; "default" (GOGC=100) lets a
	// leak show in the resident size.
	GC string
	// Limits judge the run.
	Limits Limits
	// Log receives progress lines; nil means none.
	Log io.Writer
}

func (o Options) check() error {
	var errs []error
	if o.Knsim == "" || o.Dir == "" {
		errs = append(errs, errors.New("the knsim binary and a folder are required"))
	}
	if o.ServiceTime < 0 {
		errs = append(errs, fmt.Errorf("service time must not be negative, got %s", o.ServiceTime))
	}
	for name, d := range map[string]time.Duration{"before": o.Before, "load": o.Load, "after": o.After, "every": o.Every} {
		if d <= 0 {
			errs = append(errs, fmt.Errorf("%s must be positive, got %s", name, d))
		}
	}
	if o.Every > 0 && o.Load < 3*o.Every {
		errs = append(errs, fmt.Errorf("load %s must hold at least 3 samples of %s", o.Load, o.Every))
	}
	for name, n := range map[string]int{"rps": o.RPS, "workers": o.Workers, "event rate": o.EventRate, "event workers": o.EventWorkers} {
		if n < 1 {
			errs = append(errs, fmt.Errorf("%s must be at least 1, got %d", name, n))
		}
	}
	return errors.Join(errs...)
}

// child is a running knsim up.
type child struct {
	cmd              *exec.Cmd
	gateway, broker  string // base URLs
	debug            string // pprof's goroutine profile URL
	exited           chan error
	kubeconfig, logf string
}

// freePort asks the kernel for a free loopback port; it is free again
// when the child binds it (a small race, acceptable for a benchmark).
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// startChild runs knsim up and waits for its banner.
func startChild(ctx context.Context, o Options) (*child, error) {
	var ports [3]int
	for i := range ports {
		p, err := freePort()
		if err != nil {
			return nil, err
		}
		ports[i] = p
	}
	c := &child{
		gateway:    "http://127.0.0.1:" + strconv.Itoa(ports[0]),
		broker:     "http://127.0.0.1:" + strconv.Itoa(ports[1]),
		debug:      "http://127.0.0.1:" + strconv.Itoa(ports[2]) + "/debug/pprof/goroutine?debug=1",
		exited:     make(chan error, 1),
		kubeconfig: filepath.Join(o.Dir, "kubeconfig"),
		logf:       filepath.Join(o.Dir, "knsim.log"),
	}
	logFile, err := os.Create(c.logf)
	if err != nil {
		return nil, err
	}
	c.cmd = exec.Command(o.Knsim, "up",
		"--kubeconfig", c.kubeconfig,
		"--nats-token-file", filepath.Join(o.Dir, "nats-token"),
		"--jetstream-store", filepath.Join(o.Dir, "jetstream"),
		"--gateway-port", strconv.Itoa(ports[0]),
		"--broker-port", strconv.Itoa(ports[1]),
		"--debug-addr", "127.0.0.1:"+strconv.Itoa(ports[2]),
		"--gc-memory-limit", o.GC,
		"--service-time", o.ServiceTime.String(),
		"--nodes", "2", "--pod-startup", "500ms")
	c.cmd.Stderr = logFile
	c.cmd.SysProcAttr = dieWithParent()
	out, err := c.cmd.StdoutPipe()
	if err != nil {
		logFile.Close()
		return nil, err
	}
	if err := c.cmd.Start(); err != nil {
		logFile.Close()
		return nil, err
	}
	up := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(out)
		signalled := false
		for sc.Scan() {
			fmt.Fprintln(logFile, sc.Text())
			if !signalled && strings.HasPrefix(sc.Text(), "knsim is up") {
				close(up)
				signalled = true
			}
		}
		c.exited <- c.cmd.Wait()
		logFile.Close()
	}()
	select {
	case <-up:
		return c, nil
	case err := <-c.exited:
		c.exited <- err
		return nil, fmt.Errorf("knsim up exited before it was up (%v); see %s", err, c.logf)
	case <-ctx.Done():
		return nil, errors.Join(ctx.Err(), c.stop(time.Minute))
	case <-time.After(5 * time.Minute):
		return nil, errors.Join(fmt.Errorf("knsim up not up after 5m; see %s", c.logf), c.stop(time.Minute))
	}
}

// stop interrupts the child as Ctrl-C would and waits for it; after
// grace it is killed.
func (c *child) stop(grace time.Duration) error {
	_ = c.cmd.Process.Signal(os.Interrupt)
	select {
	case err := <-c.exited:
		c.exited <- err
		if err != nil {
			return fmt.Errorf("knsim up stopped with %v; see %s", err, c.logf)
		}
		return nil
	case <-time.After(grace):
		_ = c.cmd.Process.Signal(syscall.SIGKILL)
		return fmt.Errorf("knsim up did not stop within %s of an interrupt; killed", grace)
	}
}

// sample reads the child's resident size and goroutines.
func (c *child) sample(hc *http.Client) (rss int64, goroutines int, err error) {
	if rss, err = ReadRSS(c.cmd.Process.Pid); err != nil {
		return 0, 0, err
	}
	resp, err := hc.Get(c.debug)
	if err != nil {
		return 0, 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return 0, 0, err
	}
	goroutines, err = ParseGoroutineTotal(b)
	return rss, goroutines, err
}

// Run soaks a knsim up: start, apply, sample before, under and after the
// load, stop. The samples are returned even with an error.
func Run(ctx context.Context, o Options) (samples []Sample, err error) {
	if err := o.check(); err != nil {
		return nil, err
	}
	logf := func(format string, args ...any) {
		if o.Log != nil {
			fmt.Fprintf(o.Log, format+"\n", args...)
		}
	}
	t0 := time.Now()
	logf("starting %s up (log in %s)", o.Knsim, filepath.Join(o.Dir, "knsim.log"))
	c, err := startChild(ctx, o)
	if err != nil {
		return nil, err
	}
	defer func() { err = errors.Join(err, c.stop(2*time.Minute)) }()
	logf("up after %s; applying a Service, a Broker and a Trigger", time.Since(t0).Round(time.Second))
	kc, err := os.ReadFile(c.kubeconfig)
	if err != nil {
		return nil, err
	}
	cfg, err := clientcmd.RESTConfigFromKubeConfig(kc)
	if err != nil {
		return nil, err
	}
	scheme := runtime.NewScheme()
	if err := corev1.AddToScheme(scheme); err != nil {
		return nil, err
	}
	kube, err := client.New(cfg, client.Options{Scheme: scheme})
	if err != nil {
		return nil, err
	}
	if err := apply(ctx, kube, 2*time.Minute); err != nil {
		return nil, err
	}
	debug := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	var reqs, evs tally
	start := time.Now()
	take := func(phase string) error {
		rss, g, err := c.sample(debug)
		if err != nil {
			return fmt.Errorf("sampling (%s): %w", phase, err)
		}
		var pods corev1.PodList
		if err := kube.List(ctx, &pods, client.InNamespace("default"), client.MatchingLabels{"serving.knative.dev/service": "soak"}); err != nil {
			return fmt.Errorf("listing pods (%s): %w", phase, err)
		}
		s := Sample{Phase: phase, At: time.Since(start), RSS: rss, Goroutines: g, Pods: len(pods.Items),
			Requests: reqs.sent.Load(), RequestsFailed: reqs.failed.Load(), Events: evs.sent.Load(), EventsFailed: evs.failed.Load()}
		samples = append(samples, s)
		logf("%-6s %4.0fs  RSS %6.1f MiB  goroutines %5d  pods %2d  requests %d (%d failed)  events %d (%d failed)",
			phase, s.At.Seconds(), mib(rss), g, s.Pods, s.Requests, s.RequestsFailed, s.Events, s.EventsFailed)
		return nil
	}
	// wait sleeps until the next sample or ctx's end.
	wait := func() error {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(o.Every):
			return nil
		}
	}

	for end := start.Add(o.Before); ; {
		if err := take(PhaseBefore); err != nil {
			return samples, err
		}
		if !time.Now().Add(o.Every).Before(end.Add(time.Millisecond)) {
			break
		}
		if err := wait(); err != nil {
			return samples, err
		}
	}

	loadCtx, stopLoad := context.WithTimeout(ctx, o.Load)
	tr := &http.Transport{MaxIdleConnsPerHost: o.Workers + o.EventWorkers, IdleConnTimeout: 30 * time.Second}
	hc := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	done := make(chan struct{}, 2)
	go func() {
		paced(loadCtx, o.RPS, o.Workers, getter(hc, c.gateway, serviceHost), &reqs)
		done <- struct{}{}
	}()
	go func() {
		paced(loadCtx, o.EventRate, o.EventWorkers, eventPoster(hc, c.broker+"/default/default"), &evs)
		done <- struct{}{}
	}()
	logf("load: %d requests/s (%d workers) to http://%s via %s, %d events/s (%d workers) to the broker, for %s",
		o.RPS, o.Workers, serviceHost, c.gateway, o.EventRate, o.EventWorkers, o.Load)
	for loadCtx.Err() == nil {
		select {
		case <-loadCtx.Done():
		case <-time.After(o.Every):
			if err := take(PhaseLoad); err != nil {
				stopLoad()
				return samples, err
			}
		}
	}
	stopLoad()
	<-done
	<-done
	tr.CloseIdleConnections() // the client's keep-alives would hold server goroutines
	if err := ctx.Err(); err != nil {
		return samples, err
	}

	slack := o.Limits.GoroutineSlack
	before := samples[0].Goroutines
	for _, s := range samples {
		if s.Phase == PhaseBefore {
			before = s.Goroutines
		}
	}
	if slack == 0 {
		slack = max(20, before/10)
	}
	logf("after: waiting up to %s for goroutines to come back within %d of %d", o.After, slack, before)
	for end := time.Now().Add(o.After); ; {
		if err := wait(); err != nil {
			return samples, err
		}
		if err := take(PhaseAfter); err != nil {
			return samples, err
		}
		if samples[len(samples)-1].Goroutines <= before+slack || time.Now().After(end) {
			break
		}
	}
	return samples, nil
}
