package results

import (
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"time"
)

// ReadyStages are the steps of a new Knative Service's way to Ready, in the
// order Knative takes them, as kperf reports them: each is the time from
// the Service's creation until the step was first seen.
var ReadyStages = []string{
	StageConfiguration, StageRevision, StageDeployment, StageScheduled, StageStarted,
	StageAutoscaler, StageSKS, StageRoute, StageReady,
}

// The stages of ReadyStages.
const (
	// StageConfiguration is the Configuration's Ready condition turning True.
	StageConfiguration = "configuration"
	// StageRevision is the Configuration's first Revision being created.
	StageRevision = "revision"
	// StageDeployment is that Revision's Deployment being created.
	StageDeployment = "deployment"
	// StageScheduled is the Deployment's first pod being bound to a node.
	StageScheduled = "scheduled"
	// StageStarted is the first pod's containers running.
	StageStarted = "started"
	// StageAutoscaler is the Revision's PodAutoscaler turning Active.
	StageAutoscaler = "autoscaler"
	// StageSKS is the Revision's ServerlessService turning Ready.
	StageSKS = "sks"
	// StageRoute is the Route turning Ready.
	StageRoute = "route"
	// StageReady is the Service turning Ready: the end of the way.
	StageReady = "ready"
)

// Readiness is the Service-ready breakdown of a run: how long the Services
// it created took to reach each stage.
type Readiness struct {
	// Services counts the Knative Services created during the run.
	Services int `json:"services"`
	// Ready counts those that turned Ready.
	Ready int `json:"ready"`
	// Stages summarises each stage of ReadyStages, in that order.
	Stages []StageSummary `json:"stages"`
	// ByService holds every Service's times, in order of creation.
	ByService []ServiceReadiness `json:"byService"`
}

// StageSummary is one stage over every Service that reached it.
type StageSummary struct {
	Stage string `json:"stage"`
	// Reached counts the Services that reached the stage.
	Reached int `json:"reached"`
	// Latency is the time from creation to the stage.
	Latency Percentiles `json:"latencyMs"`
}

// ServiceReadiness is one Service's way to Ready.
type ServiceReadiness struct {
	Namespace string `json:"namespace"`
	Service   string `json:"service"`
	// Revision is the Service's first Revision, once created.
	Revision string `json:"revision,omitempty"`
	// Created is when the Service was created, from the start of the run.
	Created Seconds `json:"created"`
	// StagesMs holds the milliseconds from creation to each stage reached;
	// stages not reached are absent.
	StagesMs map[string]float64 `json:"stagesMs"`
}

// StageTimes is one Service's raw stage times, for Breakdown: the time
// from its creation to each stage, negative for a stage not reached.
type StageTimes struct {
	Namespace, Service, Revision string
	Created                      time.Duration
	// At is indexed as ReadyStages.
	At []time.Duration
}

// Breakdown summarises the Services' stage times: per stage the
// nearest-rank percentiles (as Summarize) over the Services that reached it.
func Breakdown(services []StageTimes) *Readiness {
	r := &Readiness{Services: len(services), ByService: make([]ServiceReadiness, 0, len(services))}
	per := make([][]time.Duration, len(ReadyStages))
	for _, s := range services {
		sr := ServiceReadiness{Namespace: s.Namespace, Service: s.Service, Revision: s.Revision,
			Created: Seconds(round3(s.Created.Seconds())), StagesMs: map[string]float64{}}
		for i, name := range ReadyStages {
			if i >= len(s.At) || s.At[i] < 0 {
				continue
			}
			per[i] = append(per[i], s.At[i])
			sr.StagesMs[name] = round3(float64(s.At[i]) / float64(time.Millisecond))
		}
		if _, ok := sr.StagesMs[StageReady]; ok {
			r.Ready++
		}
		r.ByService = append(r.ByService, sr)
	}
	for i, name := range ReadyStages {
		r.Stages = append(r.Stages, StageSummary{Stage: name, Reached: len(per[i]), Latency: Summarize(per[i])})
	}
	return r
}

// Stage returns the summary of the named stage.
func (r *Readiness) Stage(name string) (StageSummary, bool) {
	i := slices.IndexFunc(r.Stages, func(s StageSummary) bool { return s.Stage == name })
	if i < 0 {
		return StageSummary{}, false
	}
	return r.Stages[i], true
}

// WriteCSV writes one row per Service: namespace, service, revision, the
// creation time in seconds and the milliseconds to each stage (empty when
// not reached), with a header row.
func (r *Readiness) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	header := []string{"namespace", "service", "revision", "created_s"}
	for _, s := range ReadyStages {
		header = append(header, s+"_ms")
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	for _, s := range r.ByService {
		row := []string{s.Namespace, s.Service, s.Revision, strconv.FormatFloat(float64(s.Created), 'f', -1, 64)}
		for _, st := range ReadyStages {
			v, ok := s.StagesMs[st]
			if !ok {
				row = append(row, "")
				continue
			}
			row = append(row, strconv.FormatFloat(v, 'f', -1, 64))
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("writing the readiness CSV: %w", err)
	}
	return nil
}
