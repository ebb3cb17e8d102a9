package chrometrace

import (
	"bufio"
	"cmp"
	"encoding/json"
	"io"
	"slices"
	"time"

	"github.com/knsim/knsim/system/telemetry"
)

// event is one trace event (Chrome's Trace Event Format).
type event struct {
	Name string         `json:"name"`
	Cat  string         `json:"cat,omitempty"`
	Ph   string         `json:"ph"`
	Ts   int64          `json:"ts"`
	Dur  *int64         `json:"dur,omitempty"`
	Pid  int            `json:"pid"`
	Tid  int            `json:"tid"`
	S    string         `json:"s,omitempty"`
	Args map[string]any `json:"args,omitempty"`
}

// Track names.
const (
	gatewayProcess = "gateway (no revision)"
	noPodTrack     = "activator (no pod)"
	// laneStride separates a pod's lanes' thread ids from the next pod's.
	laneStride = 1000
)

// Write writes the trace as {"traceEvents": [...]}: metadata naming each
// revision's process and each pod's tracks, then the events in track and
// time order, so the same run gives the same bytes.
func (t *Trace) Write(w io.Writer) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	procs := newProcesses()
	var events []event
	reqs := slices.Clone(t.reqs)
	slices.SortStableFunc(reqs, func(a, b telemetry.Record) int {
		return cmp.Or(a.Start.Compare(b.Start), a.End.Compare(b.End))
	})
	for _, r := range reqs {
		events = append(events, t.requestEvents(procs, r)...)
	}
	for _, e := range t.pods {
		pid, tid := procs.pod(e.Namespace+"/"+revisionOfPod(e), e.Pod)
		args := map[string]any{"pod": e.Pod}
		if e.Node != "" {
			args["node"] = e.Node
		}
		if e.Reason != "" {
			args["reason"] = e.Reason
		}
		events = append(events, event{Name: string(e.Stage), Cat: "pod", Ph: "i", S: "t", Ts: t.micros(e.Time), Pid: pid, Tid: tid, Args: args})
	}
	slices.SortStableFunc(events, func(a, b event) int {
		return cmp.Or(cmp.Compare(a.Pid, b.Pid), cmp.Compare(a.Tid, b.Tid), cmp.Compare(a.Ts, b.Ts),
			cmp.Compare(dur(b), dur(a)), // a parent before the slices it holds
			cmp.Compare(a.Name, b.Name))
	})
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	bw.WriteString(`{"displayTimeUnit":"ms","traceEvents":[`)
	first := true
	emit := func(e event) error {
		if !first {
			bw.WriteString(",")
		}
		first = false
		return enc.Encode(e)
	}
	for _, e := range procs.metadata() {
		if err := emit(e); err != nil {
			return err
		}
	}
	for _, e := range events {
		if err := emit(e); err != nil {
			return err
		}
	}
	bw.WriteString("]}\n")
	return bw.Flush()
}

func dur(e event) int64 {
	if e.Dur == nil {
		return -1
	}
	return *e.Dur
}

// micros is t in microseconds since the run's start.
func (t *Trace) micros(at time.Time) int64 { return at.Sub(t.start).Microseconds() }

// requestEvents are a request's complete event on a free lane of its
// pod's track, with its stages inside.
func (t *Trace) requestEvents(procs *processes, r telemetry.Record) []event {
	start, end := t.micros(r.Start), t.micros(r.End)
	var pid, tid int
	switch {
	case r.Revision == "":
		pid, tid = procs.gateway(start, end)
	case r.Pod == "":
		pid, tid = procs.lane(r.Namespace+"/"+r.Revision, noPodTrack, start, end)
	default:
		pid, tid = procs.lane(r.Namespace+"/"+r.Revision, r.Pod, start, end)
	}
	args := map[string]any{"status": r.Status, "path": string(r.Path), "host": r.Host}
	if r.ColdStart {
		args["coldStart"] = true
	}
	span := func(name string, from, to int64, a map[string]any) event {
		d := max(0, to-from)
		return event{Name: name, Cat: "request", Ph: "X", Ts: from, Dur: &d, Pid: pid, Tid: tid, Args: a}
	}
	out := []event{span("request", start, end, args)}
	if r.AppStart.IsZero() {
		return out
	}
	wait := "queue wait"
	if r.Path == telemetry.PathActivator {
		wait = "activator wait"
	}
	appStart, appEnd := t.micros(r.AppStart), t.micros(r.AppEnd)
	if appStart > start {
		out = append(out, span(wait, start, appStart, nil))
	}
	if !r.AppEnd.IsZero() {
		out = append(out, span("service", appStart, appEnd, nil))
	}
	return out
}
