package scenario

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/knsim/knsim/sim/distribution"
)

func TestDistributionValidate(t *testing.T) {
	tests := []struct {
		name string
		d    distribution.Distribution
		want []string
	}{
		{"unset", distribution.Distribution{}, nil},
		{"constant", distribution.ConstantDuration(time.Second), nil},
		{"negative constant", distribution.ConstantDuration(-time.Second), []string{`d.value: expected a duration >= 0, got "-1s"`}},
		{"uniform min > max", distribution.UniformDuration(2*time.Second, time.Second), []string{"d.max: max (1s) must be >= min (2s)"}},
		{"uniform equal", distribution.UniformDuration(time.Second, time.Second), nil},
		{"lognormal sigma 0", distribution.LogNormalDuration(1, 0), []string{"d.sigma: expected a number > 0 (log-seconds), got 0"}},
		{"exponential mean 0", distribution.Distribution{Type: distribution.Exponential}, []string{`d.mean: expected a duration > 0, got "0s"`}},
		{"empirical empty", distribution.Distribution{Type: distribution.Empirical}, []string{"d.samples: the empirical distribution needs at least one sample"}},
		{"empirical negative", distribution.EmpiricalDuration(time.Second, -time.Second), []string{`d.samples[1]: expected a duration >= 0, got "-1s"`}},
		{"unknown type", distribution.Distribution{Type: "unifrom", Min: 1}, []string{`d.type: unknown distribution type "unifrom" (did you mean "uniform"?)`}},
		{"foreign field", distribution.Distribution{Type: distribution.Normal, Mean: 1, Sigma: 1}, []string{"d.sigma: does not apply to the normal distribution (it takes mean, stddev)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := &validator{}
			validateDistribution(v, "d", tt.d)
			var got []string
			for _, e := range v.errs {
				got = append(got, e.Error())
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
