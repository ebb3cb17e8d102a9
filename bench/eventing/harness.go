package eventingbench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"k8s.io/utils/clock"

	eventingv1 "github.com/knsim/knsim/system/apis/eventing/v1"
	"github.com/knsim/knsim/system/eventing/broker"
	"github.com/knsim/knsim/system/eventing/delivery"
	"github.com/knsim/knsim/system/eventing/filter"
)

// KnativeBrokerEventsPerSecond is Knative's historical broker throughput
// before errors (about 1.2k events/s per broker), the baseline of Ratio.
const KnativeBrokerEventsPerSecond = 1200.0

// Goals knsim sets itself for one broker on a 2-core machine.
const (
	// GoalEventsPerSecond is the throughput goal.
	GoalEventsPerSecond = 20000.0
	// GoalP99 is the end-to-end latency goal at that throughput.
	GoalP99 = 5 * time.Millisecond
)

// Config shapes one run.
type Config struct {
	// Events to send in total.
	Events int
	// Concurrency is the number of producer goroutines (closed loop: each
	// sends its next event when the previous one got its 202).
	Concurrency int
	// PayloadBytes of JSON data per event.
	PayloadBytes int
	// ExtraTriggers that do not match (their filters run on every event).
	ExtraTriggers int
	// H2C speaks HTTP/2 without TLS (prior knowledge) on both hops instead
	// of HTTP/1.1: producer -> ingress and dispatcher -> subscriber.
	H2C bool
	// Peers is the producer's and subscriber's HTTP stack: FastHTTP
	// (default) or NetHTTP (the only one with H2C).
	Peers Peers
}

// Result of a run.
type Result struct {
	// Events delivered to the subscriber.
	Events int
	// Elapsed from the first send to the last delivery.
	Elapsed time.Duration
	// EventsPerSecond delivered.
	EventsPerSecond float64
	// P50 and P99 end-to-end latency: producer send to subscriber receipt.
	P50, P99 time.Duration
	// IngressP50 and IngressP99: producer send to the ingress's 202.
	IngressP50, IngressP99 time.Duration
	// CPUPerEvent is the process's user+system CPU time per delivered
	// event (producer, broker and subscriber together); unlike throughput
	// it hardly depends on what else the machine runs.
	CPUPerEvent time.Duration
	// AllocsPerEvent is the number of heap allocations per delivered event
	// (producer, broker and subscriber together).
	AllocsPerEvent float64
	// BytesPerEvent is the number of heap bytes allocated per delivered
	// event.
	BytesPerEvent float64
	// GCs is the number of garbage collections during the run.
	GCs uint32
	// Counters of the broker at the end.
	Counters broker.Snapshot
}

// Ratio is the throughput relative to Knative's historical broker.
func (r Result) Ratio() float64 { return r.EventsPerSecond / KnativeBrokerEventsPerSecond }

// MeetsGoal reports whether the run reached GoalEventsPerSecond at or under
// GoalP99.
func (r Result) MeetsGoal() bool { return r.EventsPerSecond >= GoalEventsPerSecond && r.P99 <= GoalP99 }

// String is a one-line summary.
func (r Result) String() string {
	return fmt.Sprintf("%d events in %v: %.0f events/s (%.1fx Knative's %.0f), e2e p50 %v p99 %v, ingress p50 %v p99 %v, %v CPU/event, %.1f allocs/event, %.0f B/event, %d GCs",
		r.Events, r.Elapsed.Round(time.Millisecond), r.EventsPerSecond, r.Ratio(), KnativeBrokerEventsPerSecond,
		r.P50.Round(time.Microsecond), r.P99.Round(time.Microsecond),
		r.IngressP50.Round(time.Microsecond), r.IngressP99.Round(time.Microsecond), r.CPUPerEvent.Round(100*time.Nanosecond),
		r.AllocsPerEvent, r.BytesPerEvent, r.GCs)
}

// sentExtension carries the producer's send time (Unix nanoseconds).
const sentExtension = "benchsent"

// subscriber records end-to-end latencies without decoding the event, as a
// cheap user application would.
type subscriber struct {
	lat  []time.Duration
	next atomic.Int64
	done chan struct{}
}

// ServeHTTP records the event's latency and answers 202.
func (s *subscriber) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	if sent, err := strconv.ParseInt(r.Header.Get("Ce-"+sentExtension), 10, 64); err == nil {
		s.record(sent)
	}
	w.WriteHeader(http.StatusAccepted)
}

// record notes the latency of an event sent at sent (Unix nanoseconds).
func (s *subscriber) record(sent int64) {
	d := time.Duration(time.Now().UnixNano() - sent)
	i := s.next.Add(1) - 1
	if int(i) < len(s.lat) {
		s.lat[i] = d
	}
	if int(i) == len(s.lat)-1 {
		close(s.done)
	}
}

// newServer serves h on a fresh loopback listener, with HTTP/1.1 and,
// when h2c is set, unencrypted HTTP/2.
func newServer(h http.Handler, h2c bool) *httptest.Server {
	s := httptest.NewUnstartedServer(h)
	s.Config.MaxHeaderBytes = 1 << 16
	if h2c {
		p := new(http.Protocols)
		p.SetHTTP1(true)
		p.SetUnencryptedHTTP2(true)
		s.Config.Protocols = p
	}
	s.Start()
	return s
}

// transport is a client transport for conns connections per host, HTTP/1.1
// or (h2c) unencrypted HTTP/2 with prior knowledge.
func transport(conns int, h2c bool) *http.Transport {
	t := &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
		MaxIdleConns:        conns,
		MaxIdleConnsPerHost: conns,
	}
	if h2c {
		p := new(http.Protocols)
		p.SetUnencryptedHTTP2(true)
		t.Protocols = p
	}
	return t
}

// Run sends cfg.Events events through a real broker and measures them.
func Run(ctx context.Context, cfg Config) (Result, error) {
	if cfg.Events <= 0 || cfg.Concurrency <= 0 {
		return Result{}, fmt.Errorf("events and concurrency must be positive")
	}
	peers, err := checkPeers(cfg.Peers, cfg.H2C)
	if err != nil {
		return Result{}, err
	}
	sub := &subscriber{lat: make([]time.Duration, cfg.Events), done: make(chan struct{})}
	subSrv, err := startSubscriber(sub, peers, cfg.H2C)
	if err != nil {
		return Result{}, err
	}
	defer subSrv.stop()

	reg := broker.NewRegistry()
	key := broker.Key{Namespace: "bench", Name: "default"}
	reg.SetBroker(key, delivery.BrokerDefault())
	triggers, err := benchTriggers(subSrv.url, cfg.ExtraTriggers)
	if err != nil {
		return Result{}, err
	}
	reg.SetTriggers(key, triggers)
	in := broker.NewIngress(reg, nil)
	dopts := delivery.DispatcherOptions{}
	if cfg.H2C {
		dopts.Client = &http.Client{Transport: transport(1000, true)}
	}
	x := delivery.NewDispatcher(clock.RealClock{}, dopts)
	defer x.Close()
	ingress := newServer(broker.NewHandler(in, x, clock.RealClock{}, broker.HandlerOptions{}), cfg.H2C)
	defer ingress.Close()

	// The producer is a plain HTTP client sending binary-mode events, as a
	// load generator would: what is measured is the broker, and a heavier
	// producer would take CPU from it on the same two cores.
	target := ingress.URL + "/bench/default"
	prod, err := newProducer(peers, target, cfg.Concurrency*2, cfg.H2C)
	if err != nil {
		return Result{}, err
	}
	payload, err := json.Marshal(map[string]string{"pad": strings.Repeat("x", cfg.PayloadBytes)})
	if err != nil {
		return Result{}, err
	}

	ingressLat := make([]time.Duration, cfg.Events)
	var sendErrs atomic.Int64
	var nextID atomic.Int64
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	cpu0 := processCPU()
	start := time.Now()
	var wg sync.WaitGroup
	for range cfg.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := nextID.Add(1) - 1
				if int(i) >= cfg.Events || ctx.Err() != nil {
					return
				}
				t0 := time.Now()
				status, err := prod.send(ctx, strconv.FormatInt(i, 10), t0, payload)
				ingressLat[i] = time.Since(t0)
				if err != nil || status != http.StatusAccepted {
					sendErrs.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	if n := sendErrs.Load(); n > 0 {
		return Result{}, fmt.Errorf("%d sends were not accepted", n)
	}
	select {
	case <-sub.done:
	case <-ctx.Done():
		return Result{}, ctx.Err()
	case <-time.After(30 * time.Second):
		return Result{}, fmt.Errorf("only %d of %d events delivered", sub.next.Load(), cfg.Events)
	}
	elapsed := time.Since(start)
	cpu := processCPU() - cpu0
	runtime.ReadMemStats(&ms1)
	// Let the last observers count before the snapshot.
	for i := 0; x.InFlight() > 0 && i < 1000; i++ {
		time.Sleep(time.Millisecond)
	}
	res := Result{
		CPUPerEvent:     cpu / time.Duration(cfg.Events),
		Events:          cfg.Events,
		Elapsed:         elapsed,
		EventsPerSecond: float64(cfg.Events) / elapsed.Seconds(),
		AllocsPerEvent:  float64(ms1.Mallocs-ms0.Mallocs) / float64(cfg.Events),
		BytesPerEvent:   float64(ms1.TotalAlloc-ms0.TotalAlloc) / float64(cfg.Events),
		GCs:             ms1.NumGC - ms0.NumGC,
		Counters:        in.Counters().Snapshot(),
	}
	res.P50, res.P99 = percentiles(sub.lat)
	res.IngressP50, res.IngressP99 = percentiles(ingressLat)
	return res, nil
}

// benchTriggers is one matching trigger (a CESQL and a prefix filter) plus
// extra triggers whose exact filters never match.
func benchTriggers(target string, extra int) ([]broker.Trigger, error) {
	specs := []eventingv1.TriggerSpec{{Filters: []eventingv1.SubscriptionsAPIFilter{
		{Prefix: map[string]string{"type": "dev.knsim.bench."}},
		{CESQL: "source LIKE '/bench/%'"},
	}}}
	for i := range extra {
		specs = append(specs, eventingv1.TriggerSpec{Filter: &eventingv1.TriggerFilter{
			Attributes: map[string]string{"type": fmt.Sprintf("dev.knsim.other.%d", i)},
		}})
	}
	out := make([]broker.Trigger, 0, len(specs))
	for i := range specs {
		f, err := filter.ForTrigger(&specs[i])
		if err != nil {
			return nil, err
		}
		out = append(out, broker.Trigger{Namespace: "bench", Name: fmt.Sprintf("t%d", i), Filter: f, SubscriberURI: target})
	}
	return out, nil
}

// processCPU is the user+system CPU time the process used so far.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// percentiles returns the 50th and 99th percentiles (nearest rank).
func percentiles(d []time.Duration) (p50, p99 time.Duration) {
	s := slices.Clone(d)
	slices.Sort(s)
	if len(s) == 0 {
		return 0, 0
	}
	rank := func(p float64) time.Duration {
		i := int(p*float64(len(s))+0.5) - 1
		i = max(0, min(i, len(s)-1))
		return s[i]
	}
	return rank(0.50), rank(0.99)
}
