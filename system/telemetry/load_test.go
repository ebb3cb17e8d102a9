package telemetry

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/types"

	"github.com/knsim/knsim/system/queue"
)

func TestRevisionLoad(t *testing.T) {
	rev := types.NamespacedName{Namespace: "default", Name: "hello-1"}
	for _, tc := range []struct {
		name      string
		pods      []queue.Stat
		activator queue.Stat
		ready     int
		proxy     bool
		want      RevisionSecond
	}{{
		name:  "no traffic, no pods: the activator is in the path",
		ready: 0,
		want:  RevisionSecond{Revision: rev, Service: "hello", ActivatorInPath: true},
	}, {
		name:  "direct: the pods' sums",
		pods:  []queue.Stat{{AverageConcurrency: 1.5, RequestCount: 10}, {AverageConcurrency: 0.5, RequestCount: 4}},
		ready: 2,
		want:  RevisionSecond{Revision: rev, Service: "hello", Concurrency: 2, RPS: 14, ReadyPods: 2},
	}, {
		name: "proxied: the activator adds only what the pods do not see",
		pods: []queue.Stat{
			{AverageConcurrency: 2, AverageProxiedConcurrency: 2, RequestCount: 8, ProxiedRequestCount: 8},
			{AverageConcurrency: 1, AverageProxiedConcurrency: 0.5, RequestCount: 3, ProxiedRequestCount: 1},
		},
		activator: queue.Stat{AverageConcurrency: 3, RequestCount: 9},
		ready:     2,
		proxy:     true,
		want:      RevisionSecond{Revision: rev, Service: "hello", Concurrency: 3.5, RPS: 11, ActivatorInPath: true, ReadyPods: 2},
	}, {
		name:      "the activator counting less than the pods adds nothing",
		pods:      []queue.Stat{{AverageConcurrency: 1, AverageProxiedConcurrency: 1, RequestCount: 2}},
		activator: queue.Stat{AverageConcurrency: 0.25, RequestCount: 2},
		ready:     1,
		proxy:     true,
		want:      RevisionSecond{Revision: rev, Service: "hello", Concurrency: 1, RPS: 2, ActivatorInPath: true, ReadyPods: 1},
	}, {
		name:      "at zero: the activator's requests count, a draining pod's too",
		pods:      []queue.Stat{{AverageConcurrency: 0.5, RequestCount: 1}},
		activator: queue.Stat{AverageConcurrency: 4, RequestCount: 6},
		want:      RevisionSecond{Revision: rev, Service: "hello", Concurrency: 4.5, RPS: 7, ActivatorInPath: true},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			got := RevisionLoad(rev, "hello", tc.pods, tc.activator, tc.ready, tc.proxy)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestRecordLatency(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	r := Record{Start: start, End: start.Add(1500 * time.Millisecond)}
	if got := r.Latency(); got != 1500*time.Millisecond {
		t.Errorf("Latency() = %s, want 1.5s", got)
	}
}
