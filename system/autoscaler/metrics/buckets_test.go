package metrics

import (
	"math"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// t0 is an arbitrary, second-aligned start.
var t0 = time.Unix(1_700_000_000, 0)

func at(s float64) time.Time { return t0.Add(time.Duration(s * float64(time.Second))) }

type rec struct {
	at float64 // seconds after t0
	v  float64
}

func TestBucketsWindowAverage(t *testing.T) {
	tests := []struct {
		name   string
		window time.Duration
		recs   []rec
		now    float64
		want   float64
	}{
		{name: "empty", window: 5 * time.Second, now: 0, want: 0},
		{name: "single sample", window: 5 * time.Second, recs: []rec{{0, 7}}, now: 0, want: 7},
		{name: "same second summed", window: 5 * time.Second, recs: []rec{{0, 7}, {0.5, 3}}, now: 0.9, want: 10},
		{name: "partial window", window: 60 * time.Second,
			recs: []rec{{0, 10}, {1, 20}, {2, 30}}, now: 2, want: 20},
		{name: "floored to six digits", window: 60 * time.Second,
			recs: []rec{{0, 1}, {1, 1}, {2, 2}}, now: 2, want: 1.333333},
		{name: "full window wraps", window: 3 * time.Second,
			recs: []rec{{0, 100}, {1, 1}, {2, 2}, {3, 3}}, now: 3, want: 2},
		{name: "gap counts as zeros", window: 5 * time.Second,
			recs: []rec{{0, 10}, {3, 10}}, now: 3, want: 5},
		{name: "stale newest data averages the rest", window: 5 * time.Second,
			recs: []rec{{0, 10}, {1, 20}, {2, 30}}, now: 4, want: 20},
		{name: "stale data after a full window", window: 4 * time.Second,
			recs: []rec{{0, 4}, {1, 4}, {2, 4}, {3, 4}, {4, 8}, {5, 8}}, now: 7,
			// buckets 4,5 hold 8; 6,7 are empty; 2 of 4 buckets valid.
			want: 8},
		{name: "nothing for a window", window: 5 * time.Second,
			recs: []rec{{0, 10}}, now: 5, want: 0},
		{name: "restart after a window without data", window: 5 * time.Second,
			recs: []rec{{0, 10}, {1, 10}, {2, 10}, {10, 4}}, now: 10, want: 4},
		{name: "late write within the window", window: 5 * time.Second,
			recs: []rec{{2, 10}, {1, 20}}, now: 2, want: 15},
		{name: "write older than a window dropped", window: 5 * time.Second,
			recs: []rec{{10, 10}, {2, 1000}}, now: 10, want: 10},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := NewBuckets(tc.window, time.Second)
			for _, r := range tc.recs {
				b.Record(at(r.at), r.v)
			}
			if got := b.WindowAverage(at(tc.now)); got != tc.want {
				t.Errorf("WindowAverage = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestBucketsIsEmpty(t *testing.T) {
	b := NewBuckets(5*time.Second, time.Second)
	if !b.IsEmpty(at(0)) {
		t.Error("new buckets not empty")
	}
	b.Record(at(0), 0)
	got := []bool{b.IsEmpty(at(0)), b.IsEmpty(at(5)), b.IsEmpty(at(5.9)), b.IsEmpty(at(6))}
	if diff := cmp.Diff([]bool{false, false, false, true}, got); diff != "" {
		t.Errorf("IsEmpty at 0, 5, 5.9, 6 (-want +got):\n%s", diff)
	}
}

func TestBucketsResize(t *testing.T) {
	b := NewBuckets(4*time.Second, time.Second)
	for i, v := range []float64{1, 2, 3, 4} {
		b.Record(at(float64(i)), v)
	}
	b.ResizeWindow(at(3), 2*time.Second)
	if got := b.WindowAverage(at(3)); got != 3.5 {
		t.Errorf("after shrinking: %v, want 3.5", got)
	}
	b.ResizeWindow(at(3), 4*time.Second)
	// The dropped buckets are gone, and only the two carried over count.
	if got := b.WindowAverage(at(3)); got != 3.5 {
		t.Errorf("after growing: %v, want 3.5", got)
	}
	b.ResizeWindow(at(100), time.Second)
	b.Record(at(100), 9)
	if got := b.WindowAverage(at(100)); got != 9 {
		t.Errorf("after idle resize: %v, want 9", got)
	}
}

func TestAlpha(t *testing.T) {
	tests := []struct {
		buckets int
		want    float64
	}{
		{1, 0.9999},
		{4, 0.9},
		{6, 1 - math.Pow(0.0001, 1.0/6)},
		{60, 0.2}, // 0.142 is below the floor
	}
	for _, tc := range tests {
		if got := Alpha(tc.buckets); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("Alpha(%d) = %v, want %v", tc.buckets, got, tc.want)
		}
	}
}

func TestWeightedBucketsWindowAverage(t *testing.T) {
	// Four buckets: alpha = 1 - 0.0001^(1/4) = 0.9.
	tests := []struct {
		name string
		recs []rec
		now  float64
		want float64
	}{
		{name: "empty", now: 0, want: 0},
		{name: "newest weighs most", recs: []rec{{0, 10}, {1, 10}, {2, 5}, {3, 5}}, now: 3,
			want: 5*0.9 + 5*0.09 + 10*0.009 + 10*0.0009},
		{name: "reversed", recs: []rec{{0, 5}, {1, 5}, {2, 10}, {3, 10}}, now: 3,
			want: 10*0.9 + 10*0.09 + 5*0.009 + 5*0.0009},
		{name: "partial window is not rescaled", recs: []rec{{0, 10}}, now: 0, want: 9},
		{name: "one second without data", recs: []rec{{0, 10}, {1, 10}, {2, 5}, {3, 5}}, now: 4,
			want: 5*0.09 + 5*0.009 + 10*0.0009},
		{name: "exactly a window old", recs: []rec{{0, 10}}, now: 4, want: 0},
		{name: "more than a window old", recs: []rec{{0, 10}}, now: 5, want: 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := NewWeightedBuckets(4*time.Second, time.Second)
			for _, r := range tc.recs {
				b.Record(at(r.at), r.v)
			}
			got := b.WindowAverage(at(tc.now))
			if diff := cmp.Diff(tc.want, got, cmpopts.EquateApprox(0, 1e-9)); diff != "" {
				t.Errorf("WindowAverage (-want +got):\n%s", diff)
			}
		})
	}
}

func TestWeightedBucketsResize(t *testing.T) {
	b := NewWeightedBuckets(4*time.Second, time.Second)
	b.ResizeWindow(at(0), 60*time.Second)
	if b.alpha != 0.2 {
		t.Errorf("alpha after resize to 60 buckets = %v, want 0.2", b.alpha)
	}
}
