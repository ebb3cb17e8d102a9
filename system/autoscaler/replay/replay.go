package replay

import (
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/knsim/knsim/system/apis/autoscaling"
	"github.com/knsim/knsim/system/autoscaler/config"
	"github.com/knsim/knsim/system/autoscaler/kpa"
	"github.com/knsim/knsim/system/autoscaler/metrics"
)

// Event says why a decision was made.
type Event string

const (
	// Tick is a regular decision every tick interval.
	Tick Event = "tick"
	// Poke is an immediate decision because traffic arrived while the
	// revision was at zero (Knative's MultiScaler.Poke).
	Poke Event = "poke"
)

// Options configure Run.
type Options struct {
	// Spec is the revision's resolved spec.
	Spec config.DeciderSpec
	// Until, when beyond the trace, keeps deciding (with no new samples)
	// until that many seconds after the first row; at most MaxSpan.
	Until int64
	// Poke makes a sample with non-zero concurrency, recorded while the
	// decider's desired scale is 0, trigger an immediate extra decision.
	// Off by default: Knative pokes only on activator stats.
	Poke bool
}

// Row is one decision.
type Row struct {
	// Time is seconds since the first row.
	Time int64
	// Desired and EBC are the decider status after the decision.
	Desired, EBC int32
	// Stable and Panic are the observed averages (0 when invalid).
	Stable, Panic float64
	// PanicMode is whether the decider is in panic mode.
	PanicMode bool
	// ReadyPods is the ready pod count decided on.
	ReadyPods int
	// Valid is false when there was no data to decide on.
	Valid bool
	// Event is tick or poke.
	Event Event
}

// Run replays the trace and returns one row per decision.
func Run(t *Trace, o Options) ([]Row, error) {
	spec := o.Spec
	if spec.Metric == autoscaling.RPS && !t.HasRPS {
		return nil, fmt.Errorf("%s: metric is rps but the trace has no %q column", t.Name, ColRPS)
	}
	if spec.TickInterval%time.Second != 0 || spec.TickInterval < time.Second {
		return nil, fmt.Errorf("tick interval %v is not a whole number of seconds", spec.TickInterval)
	}
	if o.Until < 0 || o.Until > MaxSpan {
		return nil, fmt.Errorf("until %d s is outside 0..%d s (31 days from the first row)", o.Until, MaxSpan)
	}
	tick := int64(spec.TickInterval / time.Second)
	start := t.Samples[0].Second
	end := t.Samples[len(t.Samples)-1].Second
	if o.Until > 0 && start+o.Until > end {
		end = start + o.Until
	}
	at := func(s int64) time.Time { return time.Unix(s, 0).UTC() }

	// Without the ready_pods column the pods follow the decisions.
	ready := int(spec.InitialScale)
	if n, ok := t.ReadyAt(start); ok {
		ready = n
	}
	collector := metrics.NewCollector(metrics.SpecFor(spec))
	decider, err := kpa.New(spec, kpa.WithMetrics(collector), kpa.StartedWith(at(start), ready))
	if err != nil {
		return nil, err
	}
	status := kpa.InitialStatus(spec)

	var rows []Row
	decide := func(s int64, ev Event) {
		if n, ok := t.ReadyAt(s); ok {
			ready = n
		}
		d := decider.Scale(at(s), ready)
		status.Apply(d)
		inPanic, _ := decider.InPanic()
		rows = append(rows, Row{
			Time: s - start, Desired: status.DesiredScale, EBC: status.ExcessBurstCapacity,
			Stable: d.ObservedStable, Panic: d.ObservedPanic, PanicMode: inPanic,
			ReadyPods: ready, Valid: d.Valid, Event: ev,
		})
		if d.Valid && !t.HasReadyPods {
			ready = int(d.DesiredPodCount)
		}
	}

	next := 0
	for s := start; s <= end; s++ {
		if next < len(t.Samples) && t.Samples[next].Second == s {
			smp := t.Samples[next]
			next++
			stat := metrics.Stat{AverageConcurrentRequests: smp.Concurrency, RequestCount: smp.RPS}
			collector.Record(at(s), stat)
			if o.Poke && status.NeedsPoke(stat) {
				decide(s, Poke)
			}
		}
		if s > start && (s-start)%tick == 0 {
			decide(s, Tick)
		}
		if next < len(t.Samples) && t.Samples[next].Second > s+1 {
			// Skip to just before the next sample or tick.
			skip := min(t.Samples[next].Second, nextTick(s, start, tick)) - 1
			s = max(s, skip)
		}
	}
	return rows, nil
}

func nextTick(s, start, tick int64) int64 {
	return start + ((s-start)/tick+1)*tick
}

// Format controls WriteCSV.
type Format struct {
	// Precision is the number of decimals of stable and panic; -1 is the
	// shortest representation that reads back exactly.
	Precision int
	// Extra adds the ready_pods, valid and event columns.
	Extra bool
}

// Header is the CSV header without the extra columns.
const Header = "time,desired,stable,panic,panic_mode,ebc"

// WriteCSV writes the rows as CSV with a header.
func WriteCSV(w io.Writer, rows []Row, f Format) error {
	header := Header
	if f.Extra {
		header += ",ready_pods,valid,event"
	}
	buf := []byte(header + "\n")
	for _, r := range rows {
		buf = strconv.AppendInt(buf, r.Time, 10)
		buf = append(buf, ',')
		buf = strconv.AppendInt(buf, int64(r.Desired), 10)
		buf = append(buf, ',')
		buf = appendFloat(buf, r.Stable, f.Precision)
		buf = append(buf, ',')
		buf = appendFloat(buf, r.Panic, f.Precision)
		buf = append(buf, ',')
		buf = appendBool(buf, r.PanicMode)
		buf = append(buf, ',')
		buf = strconv.AppendInt(buf, int64(r.EBC), 10)
		if f.Extra {
			buf = append(buf, ',')
			buf = strconv.AppendInt(buf, int64(r.ReadyPods), 10)
			buf = append(buf, ',')
			buf = appendBool(buf, r.Valid)
			buf = append(buf, ',')
			buf = append(buf, r.Event...)
		}
		buf = append(buf, '\n')
		if len(buf) > 1<<16 {
			if _, err := w.Write(buf); err != nil {
				return err
			}
			buf = buf[:0]
		}
	}
	_, err := w.Write(buf)
	return err
}

func appendFloat(buf []byte, v float64, prec int) []byte {
	if v == 0 {
		v = 0 // no "-0"
	}
	return strconv.AppendFloat(buf, v, 'f', prec, 64)
}

func appendBool(buf []byte, b bool) []byte {
	if b {
		return append(buf, '1')
	}
	return append(buf, '0')
}
