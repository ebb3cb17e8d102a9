package kpa

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/knsim/knsim/system/autoscaler/config"
	"github.com/knsim/knsim/system/autoscaler/metrics"
)

func TestInitialStatus(t *testing.T) {
	tests := []struct {
		tbc, total float64
		initial    int32
		want       Status
	}{
		{211, 100, 1, Status{DesiredScale: -1, ExcessBurstCapacity: -111}},
		{50, 100, 1, Status{DesiredScale: -1, ExcessBurstCapacity: 50}},
		{0, 100, 1, Status{DesiredScale: -1, ExcessBurstCapacity: 0}},
		{-1, 100, 1, Status{DesiredScale: -1, ExcessBurstCapacity: -1}},
		// The initial scale's capacity counts: 3 pods of 100 cover 211.
		{211, 100, 3, Status{DesiredScale: -1, ExcessBurstCapacity: 89}},
		{211, 10, 3, Status{DesiredScale: -1, ExcessBurstCapacity: -181}},
		// Zero initial scale: no capacity at all.
		{211, 100, 0, Status{DesiredScale: -1, ExcessBurstCapacity: -211}},
		{0, 100, 0, Status{DesiredScale: -1, ExcessBurstCapacity: 0}},
	}
	for _, tc := range tests {
		got := InitialStatus(config.DeciderSpec{TargetBurstCapacity: tc.tbc, TotalValue: tc.total, InitialScale: tc.initial})
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("TBC %v, initial scale %d (-want +got):\n%s", tc.tbc, tc.initial, diff)
		}
	}
}

func TestStatusApply(t *testing.T) {
	tests := []struct {
		name    string
		from    Status
		d       Decision
		changed bool
		want    Status
	}{
		{"invalid", Status{-1, -111}, Decision{DesiredPodCount: 3}, false, Status{-1, -111}},
		{"first", Status{-1, -111}, Decision{Valid: true, DesiredPodCount: 1, ExcessBurstCapacity: -150}, true, Status{1, -150}},
		{"same", Status{1, -150}, Decision{Valid: true, DesiredPodCount: 1, ExcessBurstCapacity: -140}, false, Status{1, -140}},
		{"ebc sign", Status{1, -140}, Decision{Valid: true, DesiredPodCount: 1, ExcessBurstCapacity: 0}, true, Status{1, 0}},
		{"desired", Status{1, 0}, Decision{Valid: true, DesiredPodCount: 2, ExcessBurstCapacity: 5}, true, Status{2, 5}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := tc.from
			if got := st.Apply(tc.d); got != tc.changed {
				t.Errorf("changed = %v, want %v", got, tc.changed)
			}
			if diff := cmp.Diff(tc.want, st); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestNeedsPoke(t *testing.T) {
	traffic := metrics.Stat{AverageConcurrentRequests: 1}
	got := []bool{
		Status{DesiredScale: 0}.NeedsPoke(traffic),
		Status{DesiredScale: 0}.NeedsPoke(metrics.Stat{}),
		Status{DesiredScale: 1}.NeedsPoke(traffic),
		Status{DesiredScale: -1}.NeedsPoke(traffic),
	}
	if diff := cmp.Diff([]bool{true, false, false, false}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
