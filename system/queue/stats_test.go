package queue

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

var t0 = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

func at(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }

// event is a request arrival or departure in a stats script.
type event struct {
	ms      int
	in      bool
	proxied bool
}

func TestStats(t *testing.T) {
	tests := []struct {
		name    string
		events  []event
		reports []int // report times, ms
		want    []Stat
	}{{
		name:    "idle window",
		reports: []int{1000},
		want:    []Stat{{}},
	}, {
		name: "two half-second requests average one",
		events: []event{
			{ms: 0, in: true}, {ms: 500}, {ms: 500, in: true}, {ms: 1000},
		},
		reports: []int{1000},
		want:    []Stat{{AverageConcurrency: 1, RequestCount: 2}},
	}, {
		name: "request overlapping the window boundary counts in both averages, one count",
		events: []event{
			{ms: 200, in: true, proxied: true}, {ms: 400, proxied: true},
			{ms: 500, in: true}, {ms: 1500},
		},
		reports: []int{1000, 2000},
		want: []Stat{
			{AverageConcurrency: 0.7, AverageProxiedConcurrency: 0.2, RequestCount: 2, ProxiedRequestCount: 1},
			{AverageConcurrency: 0.5},
		},
	}, {
		name: "long request spans three windows",
		events: []event{
			{ms: 250, in: true, proxied: true}, {ms: 2750, proxied: true},
		},
		reports: []int{1000, 2000, 3000},
		want: []Stat{
			{AverageConcurrency: 0.75, AverageProxiedConcurrency: 0.75, RequestCount: 1, ProxiedRequestCount: 1},
			{AverageConcurrency: 1, AverageProxiedConcurrency: 1},
			{AverageConcurrency: 0.75, AverageProxiedConcurrency: 0.75},
		},
	}, {
		name: "concurrency three for a quarter second",
		events: []event{
			{ms: 0, in: true}, {ms: 0, in: true}, {ms: 0, in: true}, {ms: 250}, {ms: 250}, {ms: 250},
		},
		reports: []int{1000},
		want:    []Stat{{AverageConcurrency: 0.75, RequestCount: 3}},
	}, {
		name: "event older than the last change adds no negative time",
		events: []event{
			{ms: 500, in: true}, {ms: 400},
		},
		reports: []int{1000},
		// The late departure applies at 500ms: the request lasted no time.
		want: []Stat{{RequestCount: 1}},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := NewStats(t0)
			var got []Stat
			ev, rep := 0, 0
			for ev < len(tc.events) || rep < len(tc.reports) {
				if rep < len(tc.reports) && (ev == len(tc.events) || tc.reports[rep] <= tc.events[ev].ms) {
					got = append(got, s.Report(at(tc.reports[rep])))
					rep++
					continue
				}
				e := tc.events[ev]
				if e.in {
					s.RequestIn(at(e.ms), e.proxied)
				} else {
					s.RequestOut(at(e.ms), e.proxied)
				}
				ev++
			}
			if diff := cmp.Diff(tc.want, got, cmpopts.EquateApprox(0, 1e-9)); diff != "" {
				t.Errorf("reports (-want +got):\n%s", diff)
			}
		})
	}
}

func TestStatsConcurrency(t *testing.T) {
	s := NewStats(t0)
	s.RequestIn(at(1), false)
	s.RequestIn(at(2), true)
	s.RequestOut(at(3), false)
	if got := s.Concurrency(); got != 1 {
		t.Errorf("Concurrency() = %v, want 1", got)
	}
}
