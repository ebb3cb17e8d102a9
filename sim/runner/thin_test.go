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

func TestThin(t *testing.T) {
	s := func(t float64, ready int32, rps float64, act bool) results.Sample {
		return results.Sample{T: results.Seconds(t), Desired: ready, Ready: ready, RPS: rps, Concurrency: rps / 10, ActivatorInPath: act}
	}
	in := []results.Sample{s(1, 1, 10, true), s(2, 2, 20, false), s(3, 3, 30, false), s(4, 4, 40, false), s(5, 5, 50, false)}
	for _, tc := range []struct {
		name   string
		stride int
		want   []results.Sample
	}{
		{"stride 1 keeps every sample", 1, in},
		{"windows of 2, the last one short", 2, []results.Sample{
			{T: 2, Desired: 2, Ready: 2, RPS: 15, Concurrency: 1.5, ActivatorInPath: true},
			{T: 4, Desired: 4, Ready: 4, RPS: 35, Concurrency: 3.5},
			{T: 5, Desired: 5, Ready: 5, RPS: 50, Concurrency: 5},
		}},
		{"one window", 10, []results.Sample{{T: 5, Desired: 5, Ready: 5, RPS: 30, Concurrency: 3, ActivatorInPath: true}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, thin(in, tc.stride)); diff != "" {
				t.Errorf("thin (-want +got):\n%s", diff)
			}
		})
	}
}
