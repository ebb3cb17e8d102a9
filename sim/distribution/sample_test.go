package distribution

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestDistributionValidate(t *testing.T) {
	tests := []struct {
		name string
		d    Distribution
		want string // a substring of the error; "" for none
	}{
		{"constant", ConstantDuration(time.Second), ""},
		{"constant zero", ConstantDuration(0), ""},
		{"uniform", UniformDuration(time.Second, 2*time.Second), ""},
		{"uniform degenerate", UniformDuration(time.Second, time.Second), ""},
		{"normal", NormalDuration(time.Second, 100*time.Millisecond), ""},
		{"lognormal", LogNormalDuration(-0.5, 0.3), ""},
		{"exponential", ExponentialDuration(time.Second), ""},
		{"empirical", EmpiricalDuration(time.Second, 3*time.Second), ""},
		{"missing type", Distribution{Value: 1}, "distribution type is required"},
		{"unknown type", Distribution{Type: "gamma"}, `unknown distribution type "gamma"`},
		{"negative constant", ConstantDuration(-time.Second), "constant distribution: value must be >= 0 seconds, got -1"},
		{"uniform max < min", UniformDuration(2*time.Second, time.Second), "uniform distribution: max (1) must be >= min (2)"},
		{"uniform negative min", UniformDuration(-time.Second, time.Second), "min must be >= 0 seconds"},
		{"normal negative stddev", NormalDuration(time.Second, -time.Second), "normal distribution: stddev must be >= 0 seconds"},
		{"normal negative mean", NormalDuration(-time.Second, time.Second), "normal distribution: mean must be >= 0 seconds"},
		{"lognormal negative sigma", LogNormalDuration(0, -0.1), "lognormal distribution: sigma must be >= 0"},
		{"lognormal NaN sigma", LogNormalDuration(0, math.NaN()), "sigma must be a finite number"},
		{"lognormal infinite mu", LogNormalDuration(math.Inf(1), 0), "mu must be a finite number"},
		{"exponential zero mean", Distribution{Type: Exponential}, "exponential distribution: mean must be > 0 seconds"},
		{"empirical empty", Distribution{Type: Empirical}, "empirical distribution: samples must not be empty"},
		{"empirical negative", EmpiricalDuration(time.Second, -2*time.Second), "samples[1] must be >= 0 seconds"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.d.Validate()
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("Validate() = %v, want nil", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("Validate() = %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

func draw(d Distribution, seed uint64, n int) []time.Duration {
	r := rand.New(rand.NewPCG(seed, 1))
	out := make([]time.Duration, n)
	for i := range out {
		out[i] = d.Sample(r)
	}
	return out
}

// TestSampleStreams pins the first draws of each family from one seed:
// scenario results depend on every draw staying what it is.
func TestSampleStreams(t *testing.T) {
	got := map[Type][]time.Duration{}
	for _, d := range []Distribution{
		ConstantDuration(1500 * time.Millisecond),
		UniformDuration(200*time.Millisecond, 900*time.Millisecond),
		NormalDuration(100*time.Millisecond, 200*time.Millisecond),
		LogNormalDuration(-0.38, 2.36),
		ExponentialDuration(2 * time.Second),
		EmpiricalDuration(100*time.Millisecond, 250*time.Millisecond, 4*time.Second),
	} {
		got[d.Type] = draw(d, 42, 4)
	}
	want := map[Type][]time.Duration{
		Constant:    {1500000000, 1500000000, 1500000000, 1500000000},
		Uniform:     {773907253, 248477393, 437385017, 814577320},
		Normal:      {59854850, 185413602, 404243492, 419543177},
		LogNormal:   {91420874, 425830980, 1873635196, 11824328},
		Exponential: {1912486781, 2157173975, 213489247, 1126601763},
		Empirical:   {100000000, 250000000, 250000000, 250000000},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("draws (-want +got):\n%s", diff)
	}
}

func TestDistributionSample(t *testing.T) {
	all := map[string]Distribution{
		"constant":    ConstantDuration(1500 * time.Millisecond),
		"uniform":     UniformDuration(200*time.Millisecond, 900*time.Millisecond),
		"normal":      NormalDuration(100*time.Millisecond, 200*time.Millisecond),
		"lognormal":   LogNormalDuration(0, 1),
		"exponential": ExponentialDuration(2 * time.Second),
		"empirical":   EmpiricalDuration(100*time.Millisecond, 250*time.Millisecond, 4*time.Second),
	}
	for name, d := range all {
		t.Run(name, func(t *testing.T) {
			a, b := draw(d, 42, 2000), draw(d, 42, 2000)
			if !slices.Equal(a, b) {
				t.Fatal("the same seed gave different draws")
			}
			if d.Type != Constant && slices.Equal(a, draw(d, 43, 2000)) {
				t.Fatal("different seeds gave the same draws")
			}
			for _, s := range a {
				if s < 0 {
					t.Fatalf("negative draw %s", s)
				}
			}
		})
	}

	t.Run("constant is exact", func(t *testing.T) {
		for _, want := range []time.Duration{0, 1, 999 * time.Microsecond, 1500 * time.Millisecond, 7*time.Hour + 3} {
			if got := ConstantDuration(want).Sample(nil); got != want {
				t.Errorf("ConstantDuration(%d).Sample() = %d", want, got)
			}
		}
	})
	t.Run("uniform stays in bounds", func(t *testing.T) {
		for _, s := range draw(all["uniform"], 7, 5000) {
			if s < 200*time.Millisecond || s >= 900*time.Millisecond {
				t.Fatalf("draw %s outside [200ms, 900ms)", s)
			}
		}
	})
	t.Run("empirical draws only listed values, each of them", func(t *testing.T) {
		counts := map[time.Duration]int{}
		for _, s := range draw(all["empirical"], 7, 3000) {
			counts[s]++
		}
		want := []time.Duration{100 * time.Millisecond, 250 * time.Millisecond, 4 * time.Second}
		if len(counts) != len(want) {
			t.Fatalf("drew %v, want only %v", counts, want)
		}
		for _, w := range want {
			if counts[w] < 800 {
				t.Errorf("%s drawn %d times of 3000, want about 1000", w, counts[w])
			}
		}
	})
	t.Run("means", func(t *testing.T) {
		for name, want := range map[string]float64{"exponential": 2, "lognormal": math.Exp(0.5), "uniform": 0.55} {
			var sum float64
			s := draw(all[name], 11, 20000)
			for _, d := range s {
				sum += d.Seconds()
			}
			if mean := sum / float64(len(s)); math.Abs(mean-want)/want > 0.05 {
				t.Errorf("%s mean = %.3fs, want about %.3fs", name, mean, want)
			}
		}
	})
}
