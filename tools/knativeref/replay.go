package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"knative.dev/serving/pkg/apis/autoscaling"
	"knative.dev/serving/pkg/apis/autoscaling/v1alpha1"
	asconfig "knative.dev/serving/pkg/autoscaler/config"
	"knative.dev/serving/pkg/autoscaler/config/autoscalerconfig"
	"knative.dev/serving/pkg/autoscaler/metrics"
	"knative.dev/serving/pkg/autoscaler/scaling"
	"knative.dev/serving/pkg/reconciler/autoscaling/kpa/resources"
	aresources "knative.dev/serving/pkg/reconciler/autoscaling/resources"
)

const (
	namespace = "default"
	revision  = "trace-00001"
	// tick is Knative's decider tick interval (scaling.tickInterval).
	tick = 2
)

type options struct {
	trace, config, annotations, out string
	cc                              int64
	reachable                       bool
	until                           int64
	// configFlags override config-autoscaler keys (flags named after them);
	// annotationFlags are --annotation KEY=VALUE, applied after the file,
	// then the annotation shorthands (--window, --target, ...).
	configFlags     map[string]string
	annotationFlags []string
	shorthands      map[string]string
}

// annotationShorthands are knsim's flags for annotations without a
// config-autoscaler key of the same meaning: flag name -> annotation.
var annotationShorthands = map[string]string{
	"target":                        autoscaling.TargetAnnotationKey,
	"target-utilization-percentage": autoscaling.TargetUtilizationPercentageKey,
	"metric":                        autoscaling.MetricAnnotationKey,
	"class":                         autoscaling.ClassAnnotationKey,
	"activation-scale":              autoscaling.ActivationScaleKey,
	"metric-aggregation-algorithm":  autoscaling.MetricAggregationAlgorithmKey,
	"window":                        autoscaling.WindowAnnotationKey,
}

// configKeys are the config-autoscaler keys Knative's NewConfigFromMap reads.
var configKeys = []string{
	"pod-autoscaler-class", "enable-scale-to-zero", "allow-zero-initial-scale",
	"max-scale-up-rate", "max-scale-down-rate", "container-concurrency-target-percentage",
	"container-concurrency-target-default", "requests-per-second-target-default",
	"target-burst-capacity", "panic-window-percentage", "activator-capacity",
	"panic-threshold-percentage", "initial-scale", "min-scale", "max-scale", "max-scale-limit",
	"stable-window", "scale-down-delay", "scale-to-zero-grace-period", "scale-to-zero-pod-retention-period",
}

// stringsFlag collects a repeatable string flag.
type stringsFlag []string

func (f *stringsFlag) String() string     { return strings.Join(*f, ",") }
func (f *stringsFlag) Set(v string) error { *f = append(*f, v); return nil }

// addFlags defines the replay flags knsim's `autoscaler replay` shares on fs.
func (o *options) addFlags(fs *flag.FlagSet) {
	fs.Int64Var(&o.cc, "container-concurrency", 0, "the revision's containerConcurrency")
	fs.BoolVar(&o.reachable, "reachable", true, "whether a Route targets the revision")
	fs.Int64Var(&o.until, "until", 0, "keep deciding until this many seconds after the first row")
	fs.Var((*stringsFlag)(&o.annotationFlags), "annotation", "revision annotation KEY=VALUE (a KEY without / gets the autoscaling.knative.dev/ prefix; repeatable)")
	o.configFlags = map[string]string{}
	for _, k := range configKeys {
		fs.Func(k, "config-autoscaler "+k, func(v string) error { o.configFlags[k] = v; return nil })
	}
	o.shorthands = map[string]string{}
	for name, key := range annotationShorthands {
		fs.Func(name, "annotation "+key, func(v string) error { o.shorthands[key] = v; return nil })
	}
}

// row is one decision, as `knsim autoscaler replay` prints it.
type row struct {
	time          int64
	desired, ebc  int32
	stable, panic float64
	panicMode     bool
}

func (o options) run() error {
	tr, err := readTrace(o.trace)
	if err != nil {
		return err
	}
	data := map[string]string{}
	if o.config != "" {
		if data, err = readConfig(o.config); err != nil {
			return err
		}
	}
	for k, v := range o.configFlags {
		data[k] = v
	}
	cfg, err := asconfig.NewConfigFromMap(data)
	if err != nil {
		return fmt.Errorf("%s: %w", o.config, err)
	}
	ann := map[string]string{}
	if o.annotations != "" {
		if ann, err = readFlatMap(o.annotations); err != nil {
			return err
		}
	}
	for _, kv := range o.annotationFlags {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return fmt.Errorf("--annotation %q: want KEY=VALUE", kv)
		}
		if k = strings.TrimSpace(k); !strings.Contains(k, "/") {
			k = autoscaling.GroupName + "/" + k
		}
		ann[k] = v
	}
	for k, v := range o.shorthands {
		ann[k] = v
	}
	pa := &v1alpha1.PodAutoscaler{
		ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: revision, Annotations: ann},
		Spec: v1alpha1.PodAutoscalerSpec{
			ContainerConcurrency: o.cc,
			Reachability:         v1alpha1.ReachabilityReachable,
		},
	}
	if !o.reachable {
		pa.Spec.Reachability = v1alpha1.ReachabilityUnreachable
	}
	if err := autoscaling.ValidateAnnotations(context.Background(), cfg, ann); err != nil {
		return fmt.Errorf("%s: %w", o.annotations, err)
	}
	if pa.Class() != autoscaling.KPA {
		return fmt.Errorf("class %q: only the KPA is replayed", pa.Class())
	}
	if pa.Metric() == autoscaling.RPS && !tr.hasRPS {
		return fmt.Errorf("%s: metric is rps but the trace has no rps column", o.trace)
	}
	rows, err := replay(tr, pa, cfg, o.until)
	if err != nil {
		return err
	}
	out := formatCSV(rows)
	if o.out == "" {
		_, err = os.Stdout.Write(out)
		return err
	}
	return os.WriteFile(o.out, out, 0o644)
}

// podCounter is the decider's view of the revision's ready endpoints.
type podCounter struct{ ready int }

func (p *podCounter) ReadyCount() (int, error)    { return p.ready, nil }
func (p *podCounter) NotReadyCount() (int, error) { return 0, nil }

// observingClient passes the collector's window averages to the decider and
// remembers whether the last read had data.
type observingClient struct {
	metrics.MetricClient
	stable, panic float64
	err           error
}

func (c *observingClient) StableAndPanicConcurrency(key types.NamespacedName, now time.Time) (float64, float64, error) {
	s, p, err := c.MetricClient.StableAndPanicConcurrency(key, now)
	c.stable, c.panic, c.err = s, p, err
	return s, p, err
}

func (c *observingClient) StableAndPanicRPS(key types.NamespacedName, now time.Time) (float64, float64, error) {
	s, p, err := c.MetricClient.StableAndPanicRPS(key, now)
	c.stable, c.panic, c.err = s, p, err
	return s, p, err
}

// scrapeTarget is what Knative's KPA reconciler puts into the Metric:
// nothing with target-burst-capacity -1 (the pods are not scraped).
func scrapeTarget(pa *v1alpha1.PodAutoscaler, cfg *autoscalerconfig.Config) string {
	tbc := cfg.TargetBurstCapacity
	if v, ok := pa.TargetBC(); ok {
		tbc = v
	}
	if tbc == -1 {
		return ""
	}
	return revision + "-private"
}

// initialStatus asks Knative's MultiScaler for a new decider's status:
// desired -1 and the initial excess burst capacity.
func initialStatus(d *scaling.Decider, logger *zap.SugaredLogger) (scaling.DeciderStatus, error) {
	stop := make(chan struct{})
	defer close(stop)
	ms := scaling.NewMultiScaler(stop, func(*scaling.Decider) (scaling.UniScaler, error) {
		return idleScaler{}, nil
	}, logger)
	created, err := ms.Create(context.Background(), d)
	if err != nil {
		return scaling.DeciderStatus{}, err
	}
	ms.Delete(context.Background(), d.Namespace, d.Name)
	return created.Status, nil
}

// idleScaler never decides; it stands in while the MultiScaler builds the
// initial status.
type idleScaler struct{}

func (idleScaler) Scale(*zap.SugaredLogger, time.Time) scaling.ScaleResult {
	return scaling.ScaleResult{}
}
func (idleScaler) Update(*scaling.DeciderSpec) {}

// instance is one Knative decider with its metric collector.
type instance struct {
	scaler    scaling.UniScaler
	collector *metrics.MetricCollector
	client    *observingClient
	counter   *podCounter
	// logs captures the decider's debug log, which states after every valid
	// decision whether it operates in panic mode.
	logger *zap.SugaredLogger
	logs   *observer.ObservedLogs
	// panicMode is the decider's mode after the latest decision.
	panicMode bool
	// base is the Unix second trace second s0 maps to.
	base int64
}

func newInstance(pa *v1alpha1.PodAutoscaler, cfg *autoscalerconfig.Config, d *scaling.Decider, ready int, base int64) (*instance, error) {
	core, logs := observer.New(zapcore.DebugLevel)
	logger := zap.New(core).Sugar()
	collector := metrics.NewMetricCollector(func(*v1alpha1.Metric, *zap.SugaredLogger) (metrics.StatsScraper, error) {
		// Stats come from the trace through Record.
		return nil, nil
	}, zap.NewNop().Sugar())
	if err := collector.CreateOrUpdate(aresources.MakeMetric(pa, scrapeTarget(pa, cfg), cfg)); err != nil {
		return nil, err
	}
	in := &instance{
		collector: collector,
		client:    &observingClient{MetricClient: collector},
		counter:   &podCounter{ready: ready},
		logger:    logger,
		logs:      logs,
		// Knative's newAutoscaler starts in panic mode when more than one
		// pod is ready (it records its panic metric then, without a log).
		panicMode: ready > 1,
		base:      base,
	}
	spec := d.Spec
	in.scaler = scaling.New(context.Background(), namespace, revision, in.client, in.counter, &spec)
	return in, nil
}

func (in *instance) close() { in.collector.Delete(namespace, revision) }

// scale runs one decision at now and updates panicMode from the decider's
// log ("Operating in panic mode." or "Operating in stable mode.").
func (in *instance) scale(now time.Time) scaling.ScaleResult {
	in.logs.TakeAll()
	sr := in.scaler.Scale(in.logger, now)
	for _, e := range in.logs.TakeAll() {
		switch e.Message {
		case "Operating in panic mode.":
			in.panicMode = true
		case "Operating in stable mode.":
			in.panicMode = false
		}
	}
	return sr
}

// create builds the decider at trace second s0. Knative starts a decider
// created with more than one ready pod in panic mode, stamped with the wall
// clock (time.Now()); trace seconds are then mapped onto the wall clock so
// that s0 is the current second, with the same parity as s0 (the
// scale-down-delay window's 2 s slots are counted from the Unix epoch).
// Otherwise trace seconds are used as Unix seconds, as knsim does.
func create(pa *v1alpha1.PodAutoscaler, cfg *autoscalerconfig.Config, d *scaling.Decider, ready int, s0 int64) (*instance, error) {
	if ready <= 1 {
		return newInstance(pa, cfg, d, ready, s0)
	}
	for range 10 {
		now := time.Now()
		if (now.Unix()-s0)%tick != 0 {
			time.Sleep(time.Until(now.Truncate(time.Second).Add(time.Second)))
			continue
		}
		in, err := newInstance(pa, cfg, d, ready, now.Unix())
		if err != nil {
			return nil, err
		}
		if time.Now().Unix() == now.Unix() {
			return in, nil
		}
		// Created in the next second: the panic would start up to 2 s
		// late. Try again.
		in.close()
	}
	return nil, errors.New("could not create the decider within one wall-clock second")
}

func replay(tr *trace, pa *v1alpha1.PodAutoscaler, cfg *autoscalerconfig.Config, until int64) ([]row, error) {
	logger := zap.NewNop().Sugar()
	d := resources.MakeDecider(pa, cfg)
	status, err := initialStatus(d, logger)
	if err != nil {
		return nil, err
	}

	start := tr.samples[0].second
	end := tr.samples[len(tr.samples)-1].second
	if until > 0 && start+until > end {
		end = start + until
	}
	ready := int(d.Spec.InitialScale)
	if n, ok := tr.readyAt(start); ok {
		ready = n
	}
	in, err := create(pa, cfg, d, ready, start)
	if err != nil {
		return nil, err
	}
	defer in.close()
	key := types.NamespacedName{Namespace: namespace, Name: revision}
	at := func(s int64) time.Time { return time.Unix(in.base+(s-start), 0) }

	var rows []row
	next := 0
	for s := start; s <= end; s++ {
		if next < len(tr.samples) && tr.samples[next].second == s {
			smp := tr.samples[next]
			next++
			in.collector.Record(key, at(s), metrics.Stat{
				PodName:                   "trace",
				AverageConcurrentRequests: smp.concurrency,
				RequestCount:              smp.rps,
			})
		}
		if s == start || (s-start)%tick != 0 {
			continue
		}
		if n, ok := tr.readyAt(s); ok {
			ready = n
		}
		in.counter.ready = ready
		sr := in.scale(at(s))
		stable, panic := in.client.stable, in.client.panic
		if sr.ScaleValid {
			// MultiScaler.updateLatestScale
			status.DesiredScale = sr.DesiredPodCount
			status.ExcessBurstCapacity = sr.ExcessBurstCapacity
			if !tr.hasReady {
				ready = int(sr.DesiredPodCount)
			}
		} else {
			stable, panic = 0, 0
		}
		if (in.client.err == nil) != sr.ScaleValid {
			return nil, fmt.Errorf("second %d: metric error %v but valid %v", s, in.client.err, sr.ScaleValid)
		}
		rows = append(rows, row{
			time: s - start, desired: status.DesiredScale, ebc: status.ExcessBurstCapacity,
			stable: stable, panic: panic, panicMode: in.panicMode,
		})
	}
	return rows, nil
}

func formatCSV(rows []row) []byte {
	var b bytes.Buffer
	b.WriteString("time,desired,stable,panic,panic_mode,ebc\n")
	f := func(v float64) string {
		if v == 0 {
			v = 0
		}
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	for _, r := range rows {
		pm := 0
		if r.panicMode {
			pm = 1
		}
		fmt.Fprintf(&b, "%d,%d,%s,%s,%d,%d\n", r.time, r.desired, f(r.stable), f(r.panic), pm, r.ebc)
	}
	return b.Bytes()
}
