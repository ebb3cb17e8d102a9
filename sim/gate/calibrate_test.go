package gate

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/knsim/knsim/sim/distribution"
	"github.com/knsim/knsim/sim/scenario"
)

func TestScaleDistribution(t *testing.T) {
	ms := time.Millisecond
	tests := []struct {
		name string
		in   distribution.Distribution
		want distribution.Distribution
	}{
		{"unset is the 100ms default", distribution.Distribution{}, distribution.ConstantDuration(110 * ms)},
		{"constant", distribution.ConstantDuration(200 * ms), distribution.ConstantDuration(220 * ms)},
		{"uniform", distribution.UniformDuration(100*ms, 300*ms), distribution.UniformDuration(110*ms, 330*ms)},
		{"normal", distribution.NormalDuration(100*ms, 10*ms), distribution.NormalDuration(110*ms, 11*ms)},
		{"exponential", distribution.ExponentialDuration(50 * ms), distribution.ExponentialDuration(55 * ms)},
		// exp(N(mu, s²)) * 1.1 = exp(N(mu + ln 1.1, s²)).
		{"lognormal", distribution.LogNormalDuration(-2.3, 0.4), distribution.LogNormalDuration(-2.3+0.09531017980432493, 0.4)},
		{"empirical", distribution.EmpiricalDuration(10*ms, 20*ms), distribution.EmpiricalDuration(11*ms, 22*ms)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := scaleDistribution(tt.in, 1.1)
			if diff := cmp.Diff(tt.want, got, approx); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	sc := &scenario.Scenario{Workloads: map[string]scenario.Workload{"a": {ServiceTime: distribution.ConstantDuration(100 * ms)}}}
	ScaleServiceTime(1.5)(sc)
	if diff := cmp.Diff(distribution.ConstantDuration(150*ms), sc.Workloads["a"].ServiceTime); diff != "" {
		t.Errorf("ScaleServiceTime(1.5) (-want +got):\n%s", diff)
	}
}

// TestCalibrate runs a small calibration: unchanged code never regresses,
// a 30 % longer service time always does.
func TestCalibrate(t *testing.T) {
	l, err := Load("testdata/tiny.gate.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	c, err := l.Calibrate(context.Background(), 2, Plant{Factor: 1.3}, RunOptions{Workers: 2}, &log, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := []int{c.FalseAlarms, c.Detected, c.DetectedShuffled}
	if diff := cmp.Diff([]int{0, 2, 2}, got); diff != "" {
		t.Errorf("false alarms, detected, detected with other seeds (-want +got):\n%s", diff)
	}
	var md strings.Builder
	c.WriteMarkdown(&md)
	if !strings.Contains(md.String(), "| 2 | 5 | 0 / 2 (0%) | 2 / 2 (100%) | 2 / 2 (100%) |") {
		t.Errorf("calibration table:\n%s", md.String())
	}
}
