package runner

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/knsim/knsim/sim/results"
)

func TestSampleStride(t *testing.T) {
	for _, tc := range []struct {
		end  time.Duration
		want int
	}{
		{90 * time.Second, 1},
		{time.Hour, 1},
		{time.Hour + time.Second, 2},
		{24 * time.Hour, 24},
	} {
		if got := sampleStride(tc.end); got != tc.want {
			t.Errorf("sampleStride(%s) = %d, want %d", tc.end, got, tc.want)
		}
	}
}

func TestThinSeries(t *testing.T) {
	s := func(t float64, ready int32, rps float64, act bool) sample {
		return sample{t: time.Duration(t * float64(time.Second)), desired: ready, ready: ready, total: ready, rps: rps, concurrency: rps / 10, activator: act}
	}
	in := []sample{s(1, 1, 10, true), s(2, 2, 20, false), s(3, 3, 30, false), s(4, 4, 40, false), s(5, 5, 50, false)}
	for _, tc := range []struct {
		name   string
		stride int
		want   []results.Sample
	}{
		{"stride 1 keeps every sample", 1, []results.Sample{
			{T: 1, Desired: 1, Ready: 1, RPS: 10, Concurrency: 1, ActivatorInPath: true},
			{T: 2, Desired: 2, Ready: 2, RPS: 20, Concurrency: 2},
			{T: 3, Desired: 3, Ready: 3, RPS: 30, Concurrency: 3},
			{T: 4, Desired: 4, Ready: 4, RPS: 40, Concurrency: 4},
			{T: 5, Desired: 5, Ready: 5, RPS: 50, Concurrency: 5},
		}},
		{"windows of 2, the last one short", 2, []results.Sample{
			{T: 2, Desired: 2, Ready: 2, RPS: 15, Concurrency: 1.5, ActivatorInPath: true},
			{T: 4, Desired: 4, Ready: 4, RPS: 35, Concurrency: 3.5},
			{T: 5, Desired: 5, Ready: 5, RPS: 50, Concurrency: 5},
		}},
		{"one window", 10, []results.Sample{{T: 5, Desired: 5, Ready: 5, RPS: 30, Concurrency: 3, ActivatorInPath: true}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, thinSeries(in, tc.stride)); diff != "" {
				t.Errorf("thinSeries (-want +got):\n%s", diff)
			}
		})
	}
}
