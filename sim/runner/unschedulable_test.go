package runner

import (
	"testing"
	"time"

	"github.com/knsim/knsim/sim/cluster"
)

func TestUnschedulableTime(t *testing.T) {
	start := time.Unix(1000, 0)
	at := func(s int) time.Time { return start.Add(time.Duration(s) * time.Second) }
	for _, tc := range []struct {
		name   string
		events []cluster.PodEvent
		end    time.Duration
		want   time.Duration
	}{
		{"never waits", []cluster.PodEvent{
			{Pod: "a", Stage: cluster.StageCreated, Time: at(1)},
			{Pod: "a", Stage: cluster.StageScheduled, Time: at(1)},
		}, time.Minute, 0},
		{"waits until bound, retries count once", []cluster.PodEvent{
			{Pod: "a", Stage: cluster.StageCreated, Time: at(10)},
			{Pod: "a", Stage: cluster.StageUnschedulable, Time: at(10)},
			{Pod: "a", Stage: cluster.StageUnschedulable, Time: at(20)},
			{Pod: "a", Stage: cluster.StageScheduled, Time: at(25)},
		}, time.Minute, 15 * time.Second},
		{"deleted while waiting, and still waiting at the end", []cluster.PodEvent{
			{Pod: "a", Stage: cluster.StageUnschedulable, Time: at(5)},
			{Pod: "a", Stage: cluster.StageDeleted, Time: at(8)},
			{Pod: "b", Stage: cluster.StageUnschedulable, Time: at(30)},
		}, 40 * time.Second, 13 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRecorder(start)
			for _, e := range tc.events {
				e.Namespace, e.Deployment = "default", "fn-00001-deployment"
				r.onPodSized(e, &podSize{})
			}
			if got := r.unschedulableUntil(tc.end); got != tc.want {
				t.Errorf("unschedulableUntil(%v) = %v, want %v", tc.end, got, tc.want)
			}
		})
	}
}
