package metrics

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/knsim/knsim/system/apis/autoscaling"
	"github.com/knsim/knsim/system/autoscaler/config"
)

type stamped struct {
	at   float64
	stat Stat
}

func TestCollector(t *testing.T) {
	type result struct {
		Stable, Panic float64
		Err           error
	}
	linear := Spec{StableWindow: 6 * time.Second, PanicWindow: 2 * time.Second, Scraped: true}
	tests := []struct {
		name   string
		spec   Spec
		stats  []stamped
		now    float64
		metric string
		want   result
	}{{
		name: "no data", spec: linear, now: 0, metric: autoscaling.Concurrency,
		want: result{Err: ErrNoData},
	}, {
		name: "no data without scraping reads as zero",
		spec: Spec{StableWindow: 6 * time.Second, PanicWindow: 2 * time.Second}, now: 0,
		metric: autoscaling.Concurrency, want: result{},
	}, {
		name: "scraper and activator in the same second add up", spec: linear,
		stats: []stamped{
			{0, Stat{PodName: ScraperPodName, AverageConcurrentRequests: 10, AverageProxiedConcurrentRequests: 4}},
			{0.3, Stat{PodName: "activator-1", AverageConcurrentRequests: 4}},
			{0.6, Stat{PodName: "activator-2", AverageConcurrentRequests: 2}},
		},
		now: 0, metric: autoscaling.Concurrency, want: result{Stable: 12, Panic: 12},
	}, {
		name: "stable and panic windows differ", spec: linear,
		stats: []stamped{
			{0, Stat{AverageConcurrentRequests: 10}}, {1, Stat{AverageConcurrentRequests: 10}},
			{2, Stat{AverageConcurrentRequests: 10}}, {3, Stat{AverageConcurrentRequests: 10}},
			{4, Stat{AverageConcurrentRequests: 40}}, {5, Stat{AverageConcurrentRequests: 40}},
		},
		now: 5, metric: autoscaling.Concurrency, want: result{Stable: 20, Panic: 40},
	}, {
		name: "rps minus proxied", spec: linear,
		stats: []stamped{{0, Stat{RequestCount: 30, ProxiedRequestCount: 10}}, {1, Stat{RequestCount: 10}}},
		now:   1, metric: autoscaling.RPS, want: result{Stable: 15, Panic: 15},
	}, {
		name: "no rps data", spec: linear, now: 1, metric: autoscaling.RPS,
		want: result{Err: ErrNoData},
	}, {
		name: "weighted", spec: Spec{StableWindow: 4 * time.Second, PanicWindow: 4 * time.Second,
			Algorithm: autoscaling.AlgorithmWeightedExponential, Scraped: true},
		stats: []stamped{{0, Stat{AverageConcurrentRequests: 10}}},
		now:   0, metric: autoscaling.Concurrency, want: result{Stable: 9, Panic: 9},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := NewCollector(tc.spec)
			for _, s := range tc.stats {
				c.Record(at(s.at), s.stat)
			}
			var got result
			got.Stable, got.Panic, got.Err = c.StableAndPanic(tc.metric, at(tc.now))
			if diff := cmp.Diff(tc.want, got, cmpopts.EquateErrors(), cmpopts.EquateApprox(0, 1e-9)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestCollectorUpdate(t *testing.T) {
	c := NewCollector(Spec{StableWindow: 4 * time.Second, PanicWindow: 2 * time.Second, Scraped: true})
	for i := range 4 {
		c.Record(at(float64(i)), Stat{AverageConcurrentRequests: float64(i + 1)})
	}
	c.Update(at(3), Spec{StableWindow: 2 * time.Second, PanicWindow: time.Second, Algorithm: "ignored", Scraped: true})
	s, p, err := c.StableAndPanicConcurrency(at(3))
	if err != nil || s != 3.5 || p != 4 {
		t.Errorf("after update: %v %v %v, want 3.5 4 <nil>", s, p, err)
	}
	if c.Spec().Algorithm != "" {
		t.Errorf("algorithm changed to %q", c.Spec().Algorithm)
	}
}

func TestSpecFor(t *testing.T) {
	s := config.DeciderSpec{StableWindow: time.Minute, PanicWindow: 6 * time.Second,
		Algorithm: autoscaling.AlgorithmLinear, TargetBurstCapacity: -1}
	want := Spec{StableWindow: time.Minute, PanicWindow: 6 * time.Second, Algorithm: autoscaling.AlgorithmLinear}
	if diff := cmp.Diff(want, SpecFor(s)); diff != "" {
		t.Errorf("TBC -1 (-want +got):\n%s", diff)
	}
	s.TargetBurstCapacity = 0
	if !SpecFor(s).Scraped {
		t.Error("TBC 0 not scraped")
	}
}

func TestSampleSize(t *testing.T) {
	got := map[int]int{}
	for _, n := range []int{-1, 0, 1, 3, 4, 10, 100, 1000} {
		got[n] = SampleSize(n)
	}
	want := map[int]int{-1: 0, 0: 0, 1: 1, 3: 3, 4: 4, 10: 7, 100: 14, 1000: 16}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("SampleSize (-want +got):\n%s", diff)
	}
}

func TestAggregate(t *testing.T) {
	tests := []struct {
		name    string
		samples []Stat
		ready   int
		want    Stat
		ok      bool
	}{{
		name: "no ready pods", samples: []Stat{{AverageConcurrentRequests: 3}}, ready: 0,
	}, {
		name: "no samples", ready: 3,
	}, {
		name: "sample mean times ready pods",
		samples: []Stat{
			{PodName: "a", AverageConcurrentRequests: 2, AverageProxiedConcurrentRequests: 1, RequestCount: 10, ProxiedRequestCount: 2},
			{PodName: "b", AverageConcurrentRequests: 4, AverageProxiedConcurrentRequests: 0, RequestCount: 20, ProxiedRequestCount: 0},
		},
		ready: 5, ok: true,
		want: Stat{PodName: ScraperPodName, AverageConcurrentRequests: 15, AverageProxiedConcurrentRequests: 2.5,
			RequestCount: 75, ProxiedRequestCount: 5},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := Aggregate(tc.samples, tc.ready)
			if ok != tc.ok {
				t.Errorf("ok = %v, want %v", ok, tc.ok)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
