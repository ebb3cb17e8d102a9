package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/utils/clock"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/knsim/knsim/sim/manifest"
	"github.com/knsim/knsim/system/stack"
)

// httpTimeout bounds each HTTP exchange of the producer and the servers.
const httpTimeout = 10 * time.Second

// Config is one run.
type Config struct {
	// Knsim is the knsim binary.
	Knsim string
	// Dir holds the state folder (Dir/state), the kubeconfig and the logs
	// of each knsim up (knsim-up-1.log, knsim-up-2.log).
	Dir string
	// Events is how many events to send (> 0).
	Events int
	// KillAfter is how many events the channel accepts before the kill,
	// in (0, Events); 0 means Events/2.
	KillAfter int
	// Producers post concurrently (default 8).
	Producers int
	// ErrorRate is the subscriber's failed share of attempts, in [0, 1).
	ErrorRate float64
	// Retry is the Subscription's delivery.retry (attempts after the first).
	Retry int
	// Quiet is how long the counts must stay still, once every event was
	// sent, before the run ends (default 40 s: several times the durable
	// consumer's AckWait of 10 s, after which it redelivers what a crash
	// left unacknowledged; a shorter wait once counted 155 of 2,000 events
	// as lost that may only have been late).
	Quiet time.Duration
	// Timeout bounds the whole run (default 10 min).
	Timeout time.Duration
	// Log receives progress lines (nil: none).
	Log io.Writer
	// Clock paces retries and polls (default the wall clock).
	Clock clock.WithTicker
}

// Counts are the run's events.
type Counts struct {
	// In is the events the channel accepted (202), each counted once.
	In int `json:"in"`
	// Delivered is the events the subscriber answered 2xx at least once.
	Delivered int `json:"delivered"`
	// DeadLettered is the events the dead-letter sink took and the
	// subscriber never answered 2xx.
	DeadLettered int `json:"deadLettered"`
	// Lost is the accepted events neither delivered nor dead-lettered.
	Lost int `json:"lost"`
	// Duplicated is the further 2xx answers and dead letters beyond one
	// per event.
	Duplicated int `json:"duplicated"`
	// Reposted is the sends the producer repeated because the kill
	// swallowed their answer or refused them.
	Reposted int `json:"reposted"`
}

func (c Counts) String() string {
	return fmt.Sprintf("in %d, delivered %d, dead-lettered %d, lost %d, duplicated %d (producer re-sends %d)",
		c.In, c.Delivered, c.DeadLettered, c.Lost, c.Duplicated, c.Reposted)
}

// validate checks cfg and fills its defaults.
func (cfg *Config) validate() error {
	var errs []error
	if cfg.Knsim == "" {
		errs = append(errs, errors.New("the knsim binary is required"))
	}
	if cfg.Dir == "" {
		errs = append(errs, errors.New("a working folder is required"))
	}
	if cfg.Events <= 0 {
		errs = append(errs, fmt.Errorf("events must be > 0, got %d", cfg.Events))
	}
	if cfg.KillAfter == 0 {
		cfg.KillAfter = cfg.Events / 2
	}
	if cfg.KillAfter <= 0 || cfg.KillAfter >= cfg.Events {
		errs = append(errs, fmt.Errorf("kill-after must be in (0, events %d), got %d", cfg.Events, cfg.KillAfter))
	}
	if cfg.Producers == 0 {
		cfg.Producers = 8
	}
	if cfg.Producers < 0 {
		errs = append(errs, fmt.Errorf("producers must be > 0, got %d", cfg.Producers))
	}
	if cfg.ErrorRate < 0 || cfg.ErrorRate >= 1 {
		errs = append(errs, fmt.Errorf("error rate must be in [0, 1), got %g", cfg.ErrorRate))
	}
	if cfg.Retry < 0 {
		errs = append(errs, fmt.Errorf("retry must be >= 0, got %d", cfg.Retry))
	}
	if cfg.Quiet == 0 {
		cfg.Quiet = 40 * time.Second
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 10 * time.Minute
	}
	if cfg.Log == nil {
		cfg.Log = io.Discard
	}
	if cfg.Clock == nil {
		cfg.Clock = clock.RealClock{}
	}
	return errors.Join(errs...)
}

// channelHost is the Host of the channel's address.
const channelHost = "orders-kn-channel.default.svc.cluster.local"

// manifests are the channel and its Subscription.
func manifests(subscriber, deadLetters string, retry int) string {
	return `apiVersion: messaging.knative.dev/v1alpha1
kind: NatsJetStreamChannel
metadata: {name: orders, namespace: default}
---
apiVersion: messaging.knative.dev/v1
kind: Subscription
metadata: {name: orders, namespace: default}
spec:
  channel: {apiVersion: messaging.knative.dev/v1alpha1, kind: NatsJetStreamChannel, name: orders}
  subscriber: {uri: "` + subscriber + `"}
  delivery:
    retry: ` + strconv.Itoa(retry) + `
    backoffPolicy: exponential
    backoffDelay: PT0.1S
    deadLetterSink: {uri: "` + deadLetters + `"}
`
}

// Run starts knsim up, sends the events, kills it mid-stream, starts it
// again on the same state folder, and counts.
func Run(ctx context.Context, cfg Config) (Counts, error) {
	if err := cfg.validate(); err != nil {
		return Counts{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()
	sub, err := newReceiver(cfg.ErrorRate)
	if err != nil {
		return Counts{}, err
	}
	defer sub.close()
	dl, err := newReceiver(0)
	if err != nil {
		return Counts{}, err
	}
	defer dl.close()

	state := filepath.Join(cfg.Dir, "state")
	fmt.Fprintf(cfg.Log, "starting knsim up --state-dir %s\n", state)
	up, err := startUp(ctx, cfg.Knsim, state, 1, cfg.Dir)
	if err != nil {
		return Counts{}, err
	}
	defer func() { _ = up.stop(cfg.Clock, 30*time.Second) }()
	if err := apply(ctx, cfg, up, manifests(sub.url, dl.url, cfg.Retry)); err != nil {
		return Counts{}, err
	}

	p := newProducer(cfg, up.channelURL)
	sent := make(chan struct{})
	go func() { p.run(ctx); close(sent) }()
	if err := p.waitAccepted(ctx, cfg.KillAfter); err != nil {
		return Counts{}, err
	}
	fmt.Fprintf(cfg.Log, "%d events accepted: SIGKILL to knsim up (pid %d)\n", p.accepted.Load(), up.cmd.Process.Pid)
	p.markKilled()
	if err := up.kill(); err != nil {
		return Counts{}, fmt.Errorf("killing knsim up: %w", err)
	}
	up, err = startUp(ctx, cfg.Knsim, state, 2, cfg.Dir)
	if err != nil {
		return Counts{}, fmt.Errorf("restarting on the same state folder: %w", err)
	}
	fmt.Fprintf(cfg.Log, "knsim up again on %s (channels on %s)\n", state, up.channelURL)
	p.setURL(up.channelURL)
	select {
	case <-sent:
	case <-ctx.Done():
		return Counts{}, fmt.Errorf("sending: %w", ctx.Err())
	}
	fmt.Fprintf(cfg.Log, "all %d events accepted; waiting for the counts to settle\n", cfg.Events)
	if err := settle(ctx, cfg, sub, dl); err != nil {
		return Counts{}, err
	}
	c := count(cfg.Events, sub.answered(), dl.answered())
	c.Reposted = int(p.reposted.Load())
	if c.Lost > 0 {
		fmt.Fprintf(cfg.Log, "lost: %s\n", lostReport(cfg.Events, sub, dl, p))
	}
	return c, nil
}

// lostReport names the lost events (up to 20), each with the attempts the
// subscriber saw and whether it was accepted before the kill.
func lostReport(events int, sub, dl *receiver, p *producer) string {
	s, d := sub.answered(), dl.answered()
	sub.mu.Lock()
	defer sub.mu.Unlock()
	var out []string
	for i := range events {
		id := eventID(i)
		if s[id] > 0 || d[id] > 0 {
			continue
		}
		if len(out) == 20 {
			out = append(out, "...")
			break
		}
		out = append(out, fmt.Sprintf("%s (%d attempts, accepted %s the kill)", id, sub.attempts[id], p.when(i)))
	}
	return strings.Join(out, ", ")
}

// apply applies the manifests and waits until the Subscription is Ready.
func apply(ctx context.Context, cfg Config, up *upProcess, yaml string) error {
	rc, err := clientcmd.BuildConfigFromFlags("", up.kubeconfig)
	if err != nil {
		return fmt.Errorf("reading the kubeconfig: %w", err)
	}
	c, err := client.New(rc, client.Options{Scheme: stack.Scheme()})
	if err != nil {
		return err
	}
	objs, err := manifest.Decode("manifests", strings.NewReader(yaml))
	if err != nil {
		return err
	}
	if err := manifest.Apply(ctx, c, "default", objs...); err != nil {
		return fmt.Errorf("applying the channel and Subscription: %w", err)
	}
	return poll(ctx, cfg.Clock, 200*time.Millisecond, func() bool {
		s := &unstructured.Unstructured{}
		s.SetAPIVersion("messaging.knative.dev/v1")
		s.SetKind("Subscription")
		if c.Get(ctx, client.ObjectKey{Namespace: "default", Name: "orders"}, s) != nil {
			return false
		}
		conds, _, _ := unstructured.NestedSlice(s.Object, "status", "conditions")
		for _, x := range conds {
			if m, ok := x.(map[string]any); ok && m["type"] == "Ready" && m["status"] == "True" {
				return true
			}
		}
		return false
	})
}

// poll calls done every interval until it says true or ctx ends.
func poll(ctx context.Context, clk clock.WithTicker, interval time.Duration, done func() bool) error {
	t := clk.NewTicker(interval)
	defer t.Stop()
	for !done() {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C():
		}
	}
	return nil
}

// settle waits until every event was delivered or dead-lettered and the
// counts stayed still for cfg.Quiet (a crash's redeliveries come after
// AckWait), or, short of that, until they stayed still for cfg.Quiet.
func settle(ctx context.Context, cfg Config, sub, dl *receiver) error {
	last, since := -1, cfg.Clock.Now()
	return poll(ctx, cfg.Clock, 250*time.Millisecond, func() bool {
		s, d := sub.answered(), dl.answered()
		n := 0
		for _, v := range s {
			n += v
		}
		for _, v := range d {
			n += v
		}
		if n != last {
			last, since = n, cfg.Clock.Now()
			fmt.Fprintf(cfg.Log, "  %s: %s\n", cfg.Clock.Now().Format(time.TimeOnly), count(cfg.Events, s, d))
		}
		return cfg.Clock.Since(since) >= cfg.Quiet
	})
}

// count tells the events 0..events-1 apart by what the receivers saw.
func count(events int, sub, dl map[string]int) Counts {
	c := Counts{In: events}
	for i := range events {
		id := eventID(i)
		s, d := sub[id], dl[id]
		switch {
		case s > 0:
			c.Delivered++
			c.Duplicated += s - 1 + d
		case d > 0:
			c.DeadLettered++
			c.Duplicated += d - 1
		default:
			c.Lost++
		}
	}
	return c
}

func eventID(i int) string { return "order-" + strconv.Itoa(i) }

// producer posts events 0..n-1 to the channel, each until it is accepted.
type producer struct {
	cfg      Config
	url      atomic.Pointer[string]
	hc       *http.Client
	next     atomic.Int64
	accepted atomic.Int64
	reposted atomic.Int64
	// mu guards killed (set once the process was killed) and afterKill
	// (per event, whether it was accepted after the kill).
	mu        sync.Mutex
	killed    bool
	afterKill map[int]bool
}

// markKilled notes the kill: events accepted from now on went to the
// restarted process (or were refused until it was up).
func (p *producer) markKilled() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.killed = true
}

// when says whether event i was accepted before or after the kill.
func (p *producer) when(i int) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.afterKill[i] {
		return "after"
	}
	return "before"
}

func newProducer(cfg Config, url string) *producer {
	p := &producer{cfg: cfg, hc: &http.Client{Timeout: httpTimeout}, afterKill: map[int]bool{}}
	p.url.Store(&url)
	return p
}

// setURL points the producer at a restarted channel ingress.
func (p *producer) setURL(url string) { p.url.Store(&url) }

// run sends every event with cfg.Producers workers.
func (p *producer) run(ctx context.Context) {
	var wg sync.WaitGroup
	for range p.cfg.Producers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(p.next.Add(1) - 1)
				if i >= p.cfg.Events || ctx.Err() != nil {
					return
				}
				p.send(ctx, i)
			}
		}()
	}
	wg.Wait()
}

// send posts event i until the channel answers 202, pausing between tries.
func (p *producer) send(ctx context.Context, i int) {
	for try := 0; ctx.Err() == nil; try++ {
		if try > 0 {
			p.reposted.Add(1)
			select {
			case <-p.cfg.Clock.After(50 * time.Millisecond):
			case <-ctx.Done():
				return
			}
		}
		if p.post(ctx, i) {
			p.mu.Lock()
			p.afterKill[i] = p.killed
			p.mu.Unlock()
			p.accepted.Add(1)
			return
		}
	}
}

// post sends event i once, in binary mode; true when accepted.
func (p *producer) post(ctx context.Context, i int) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, *p.url.Load(), strings.NewReader(`{"order":`+strconv.Itoa(i)+`}`))
	if err != nil {
		return false
	}
	req.Host = channelHost
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Ce-Specversion", "1.0")
	req.Header.Set("Ce-Id", eventID(i))
	req.Header.Set("Ce-Type", "com.example.order.created")
	req.Header.Set("Ce-Source", "/durablekill")
	resp, err := p.hc.Do(req)
	if err != nil {
		return false
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	return resp.StatusCode == http.StatusAccepted
}

// waitAccepted returns once n events were accepted.
func (p *producer) waitAccepted(ctx context.Context, n int) error {
	return poll(ctx, p.cfg.Clock, 5*time.Millisecond, func() bool { return p.accepted.Load() >= int64(n) })
}

// workDir makes a folder for a run under dir.
func workDir(dir string) (string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	return os.MkdirTemp(dir, "durablekill-")
}
