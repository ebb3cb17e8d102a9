package distribution

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestDistributionJSON(t *testing.T) {
	tests := []struct {
		name string
		d    Distribution
		json string
	}{
		{"constant", ConstantDuration(2 * time.Second), `"2s"`},
		{"zero constant", ConstantDuration(0), `"0s"`},
		{"uniform", UniformDuration(200*time.Millisecond, time.Second), `{"type":"uniform","min":"200ms","max":"1s"}`},
		{"normal", NormalDuration(time.Second, 0), `{"type":"normal","mean":"1s","stddev":"0s"}`},
		{"lognormal", LogNormalDuration(0, 2.36), `{"type":"lognormal","mu":0,"sigma":2.36}`},
		{"exponential", ExponentialDuration(time.Minute), `{"type":"exponential","mean":"1m"}`},
		{"empirical", EmpiricalDuration(time.Millisecond, 90*time.Second), `{"type":"empirical","samples":["1ms","1m30s"]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := json.Marshal(tt.d)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tt.json {
				t.Errorf("Marshal = %s, want %s", b, tt.json)
			}
			var back Distribution
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.d, back); diff != "" {
				t.Errorf("round trip (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDistributionString(t *testing.T) {
	tests := map[string]Distribution{
		"2s":                              ConstantDuration(2 * time.Second),
		"uniform(200ms, 1s)":              UniformDuration(200*time.Millisecond, time.Second),
		"normal(mean=1s, stddev=10ms)":    NormalDuration(time.Second, 10*time.Millisecond),
		"lognormal(mu=-0.38, sigma=2.36)": LogNormalDuration(-0.38, 2.36),
		"exponential(mean=1m)":            ExponentialDuration(time.Minute),
		"empirical(1ms, 2ms)":             EmpiricalDuration(time.Millisecond, 2*time.Millisecond),
		"unset":                           {},
	}
	for want, d := range tests {
		if got := d.String(); got != want {
			t.Errorf("String() = %q, want %q", got, want)
		}
	}
}

func TestTypeParams(t *testing.T) {
	got := map[Type][]string{}
	for _, ty := range Types {
		if !ty.Known() {
			t.Errorf("%s is not known", ty)
		}
		got[ty] = ty.Params()
	}
	want := map[Type][]string{
		Constant: {"value"}, Uniform: {"min", "max"}, Normal: {"mean", "stddev"},
		LogNormal: {"mu", "sigma"}, Exponential: {"mean"}, Empirical: {"samples"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Params (-want +got):\n%s", diff)
	}
	if Type("weibull").Known() || Type("weibull").Params() != nil {
		t.Error("an unknown type is known")
	}
	if diff := cmp.Diff([]string{"mean", "sigma"}, Distribution{Type: Normal, Mean: 1, Sigma: 1}.Given()); diff != "" {
		t.Errorf("Given (-want +got):\n%s", diff)
	}
}

func TestDuration(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"90s", "1m30s"}, {"24h", "24h"}, {"2m", "2m"}, {"1h30m", "1h30m"}, {"1h0m5s", "1h0m5s"},
		{"250ms", "250ms"}, {"10s", "10s"}, {"0", "0s"}, {" 5s ", "5s"},
	}
	for _, tt := range tests {
		d, err := ParseDuration(tt.in)
		if err != nil {
			t.Fatalf("ParseDuration(%q): %v", tt.in, err)
		}
		if d.String() != tt.want {
			t.Errorf("ParseDuration(%q).String() = %q, want %q", tt.in, d.String(), tt.want)
		}
		var back Duration
		b, _ := json.Marshal(d)
		if err := json.Unmarshal(b, &back); err != nil || back != d {
			t.Errorf("JSON round trip of %q: %v, %v", tt.in, back, err)
		}
	}
	if _, err := ParseDuration("90"); err == nil {
		t.Error(`ParseDuration("90") succeeded`)
	}
	var d Duration
	if err := json.Unmarshal([]byte(`90`), &d); err == nil {
		t.Error("Unmarshal of a number succeeded")
	}
}
