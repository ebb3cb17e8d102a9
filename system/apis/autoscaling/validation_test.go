package autoscaling

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestValidateAnnotations(t *testing.T) {
	const p = "metadata.annotations."
	tests := []struct {
		name string
		anns map[string]string
		want string // "" means valid
	}{
		{name: "none", anns: nil},
		{name: "all valid", anns: map[string]string{
			ClassAnnotationKey: KPA, MetricAnnotationKey: RPS, TargetAnnotationKey: "10",
			TargetUtilizationPercentageKey: "70", MinScaleAnnotationKey: "1", MaxScaleAnnotationKey: "5",
			InitialScaleAnnotationKey: "0", ActivationScaleKey: "2", WindowAnnotationKey: "60s",
			PanicWindowPercentageAnnotationKey: "10", PanicThresholdPercentageAnnotationKey: "200",
			TargetBurstCapacityKey: "-1", ScaleDownDelayAnnotationKey: "15m",
			ScaleToZeroPodRetentionPeriodKey: "1m30s", MetricAggregationAlgorithmKey: AlgorithmWeightedExponential,
		}},

		{name: "class hpa", anns: map[string]string{ClassAnnotationKey: HPA, MetricAnnotationKey: Memory}},
		{name: "class custom", anns: map[string]string{ClassAnnotationKey: "example.com/mine", MetricAnnotationKey: "queue-depth"}},
		{name: "class unknown knative", anns: map[string]string{ClassAnnotationKey: "foo.autoscaling.knative.dev"},
			want: "invalid value: foo.autoscaling.knative.dev: " + p + ClassAnnotationKey},
		{name: "class empty", anns: map[string]string{ClassAnnotationKey: ""},
			want: "invalid value: : " + p + ClassAnnotationKey},

		{name: "metric kpa bad", anns: map[string]string{MetricAnnotationKey: CPU},
			want: "invalid value: cpu: " + p + MetricAnnotationKey},
		{name: "metric hpa custom", anns: map[string]string{ClassAnnotationKey: HPA, MetricAnnotationKey: "custom"}},
		{name: "metric hpa empty", anns: map[string]string{ClassAnnotationKey: HPA, MetricAnnotationKey: ""},
			want: "invalid value: : " + p + MetricAnnotationKey},

		{name: "target min", anns: map[string]string{TargetAnnotationKey: "0.01"}},
		{name: "target zero", anns: map[string]string{TargetAnnotationKey: "0"},
			want: "target 0 should be at least 0.01: " + p + TargetAnnotationKey},
		{name: "target unparsable", anns: map[string]string{TargetAnnotationKey: "ten"},
			want: "invalid value: ten: " + p + TargetAnnotationKey},

		{name: "utilization 100", anns: map[string]string{TargetUtilizationPercentageKey: "100"}},
		{name: "utilization 0.5", anns: map[string]string{TargetUtilizationPercentageKey: "0.5"},
			want: "expected 1 <= 0.5 <= 100: " + p + TargetUtilizationPercentageKey},

		{name: "min scale negative", anns: map[string]string{MinScaleAnnotationKey: "-1"},
			want: "expected 0 <= -1 <= 2147483647: " + p + MinScaleAnnotationKey},
		{name: "max scale not int", anns: map[string]string{MaxScaleAnnotationKey: "1.5"},
			want: "invalid value: 1.5: " + p + MaxScaleAnnotationKey},
		{name: "max scale too big", anns: map[string]string{MaxScaleAnnotationKey: "3000000000"},
			want: "expected 0 <= 3000000000 <= 2147483647: " + p + MaxScaleAnnotationKey},
		{name: "min above unbounded max", anns: map[string]string{MinScaleAnnotationKey: "3", MaxScaleAnnotationKey: "0"}},
		{name: "min above max", anns: map[string]string{MinScaleAnnotationKey: "3", MaxScaleAnnotationKey: "2"},
			want: "max-scale=2 is less than min-scale=3: " + p + MaxScaleAnnotationKey + ", " + p + MinScaleAnnotationKey},

		{name: "initial scale negative", anns: map[string]string{InitialScaleAnnotationKey: "-1"},
			want: "invalid value: -1: " + p + InitialScaleAnnotationKey},
		{name: "initial scale not int", anns: map[string]string{InitialScaleAnnotationKey: "x"},
			want: "invalid value: x: " + p + InitialScaleAnnotationKey},

		{name: "activation scale 1", anns: map[string]string{ActivationScaleKey: "1"}},
		{name: "activation scale 0", anns: map[string]string{ActivationScaleKey: "0"},
			want: "expected 1 <= 0 <= 2147483647: " + p + ActivationScaleKey},
		{name: "activation scale not int", anns: map[string]string{ActivationScaleKey: "x"},
			want: "invalid value: x: " + p + ActivationScaleKey},

		{name: "window min", anns: map[string]string{WindowAnnotationKey: "6s"}},
		{name: "window short", anns: map[string]string{WindowAnnotationKey: "5s"},
			want: "expected 6s <= 5s <= 1h0m0s: " + p + WindowAnnotationKey},
		{name: "window long", anns: map[string]string{WindowAnnotationKey: "61m"},
			want: "expected 6s <= 61m <= 1h0m0s: " + p + WindowAnnotationKey},
		{name: "window fractional", anns: map[string]string{WindowAnnotationKey: "6500ms"},
			want: "must be specified with at most second precision: " + p + WindowAnnotationKey},
		{name: "window unparsable", anns: map[string]string{WindowAnnotationKey: "60"},
			want: "invalid value: 60: " + p + WindowAnnotationKey},
		{name: "window left to custom class", anns: map[string]string{ClassAnnotationKey: "example.com/mine", WindowAnnotationKey: "1s"}},

		{name: "panic window 0", anns: map[string]string{PanicWindowPercentageAnnotationKey: "0"},
			want: "expected 1 <= 0 <= 100: " + p + PanicWindowPercentageAnnotationKey},
		{name: "panic threshold 100", anns: map[string]string{PanicThresholdPercentageAnnotationKey: "100"},
			want: "expected 110 <= 100 <= 1000: " + p + PanicThresholdPercentageAnnotationKey},
		{name: "panic threshold unparsable", anns: map[string]string{PanicThresholdPercentageAnnotationKey: "x"},
			want: "invalid value: x: " + p + PanicThresholdPercentageAnnotationKey},

		{name: "burst capacity 0", anns: map[string]string{TargetBurstCapacityKey: "0"}},
		{name: "burst capacity -2", anns: map[string]string{TargetBurstCapacityKey: "-2"},
			want: "invalid value: -2: " + p + TargetBurstCapacityKey},

		{name: "scale down delay 0", anns: map[string]string{ScaleDownDelayAnnotationKey: "0s"}},
		{name: "scale down delay 2h", anns: map[string]string{ScaleDownDelayAnnotationKey: "2h"},
			want: "expected 0s <= 2h <= 1h0m0s: " + p + ScaleDownDelayAnnotationKey},
		{name: "scale down delay fractional", anns: map[string]string{ScaleDownDelayAnnotationKey: "1.5s"},
			want: "must be specified with at most second precision: " + p + ScaleDownDelayAnnotationKey},

		{name: "retention fractional", anns: map[string]string{ScaleToZeroPodRetentionPeriodKey: "1.5s"}},
		{name: "retention negative", anns: map[string]string{ScaleToZeroPodRetentionPeriodKey: "-1s"},
			want: "expected 0s <= -1s <= 1h0m0s: " + p + ScaleToZeroPodRetentionPeriodKey},

		{name: "algorithm linear", anns: map[string]string{MetricAggregationAlgorithmKey: AlgorithmLinear}},
		{name: "algorithm bad", anns: map[string]string{MetricAggregationAlgorithmKey: "median"},
			want: "invalid value: median: " + p + MetricAggregationAlgorithmKey},
		{name: "algorithm left to hpa", anns: map[string]string{ClassAnnotationKey: HPA, MetricAggregationAlgorithmKey: "median"}},

		// Knative's legacy camelCase spellings are read, and named as written.
		{name: "legacy spellings valid", anns: map[string]string{
			GroupName + "/minScale": "1", GroupName + "/maxScale": "5", GroupName + "/initialScale": "2",
			GroupName + "/targetBurstCapacity": "200", GroupName + "/panicWindowPercentage": "10",
			GroupName + "/panicThresholdPercentage": "200", GroupName + "/targetUtilizationPercentage": "70",
			GroupName + "/scaleDownDelay": "1m", GroupName + "/scaleToZeroPodRetentionPeriod": "30s",
		}},
		{name: "legacy min above max", anns: map[string]string{GroupName + "/minScale": "3", GroupName + "/maxScale": "2"},
			want: "max-scale=2 is less than min-scale=3: " + p + MaxScaleAnnotationKey + ", " + p + MinScaleAnnotationKey},
		{name: "legacy max scale not int", anns: map[string]string{GroupName + "/maxScale": "1.5"},
			want: "invalid value: 1.5: " + p + GroupName + "/maxScale"},
		{name: "legacy utilization out of range", anns: map[string]string{GroupName + "/targetUtilizationPercentage": "0.5"},
			want: "expected 1 <= 0.5 <= 100: " + p + GroupName + "/targetUtilizationPercentage"},
		{name: "class keepalive", anns: map[string]string{ClassAnnotationKey: KeepAliveClass, KeepAliveAnnotationKey: "20m"}},
		{name: "class hybrid", anns: map[string]string{ClassAnnotationKey: HybridClass}},
		{name: "class unknown knsim", anns: map[string]string{ClassAnnotationKey: "lru.autoscaling.knsim.dev"},
			want: "invalid value: lru.autoscaling.knsim.dev: " + p + ClassAnnotationKey},
		{name: "keep-alive not a duration", anns: map[string]string{ClassAnnotationKey: KeepAliveClass, KeepAliveAnnotationKey: "10"},
			want: `"10" is not a Go duration (such as "10m" or "1h30m"): ` + p + KeepAliveAnnotationKey},
		{name: "keep-alive zero", anns: map[string]string{ClassAnnotationKey: KeepAliveClass, KeepAliveAnnotationKey: "0s"},
			want: `"0s" must be between 1s and 24h0m0s: ` + p + KeepAliveAnnotationKey},
		{name: "keep-alive two days", anns: map[string]string{KeepAliveAnnotationKey: "48h"},
			want: `"48h" must be between 1s and 24h0m0s: ` + p + KeepAliveAnnotationKey},

		{name: "several errors sorted", anns: map[string]string{MinScaleAnnotationKey: "x", WindowAnnotationKey: "x"},
			want: "invalid value: x: " + p + MinScaleAnnotationKey + ", " + p + WindowAnnotationKey},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := ""
			if err := ValidateAnnotations(tc.anns).Err(); err != nil {
				got = err.Error()
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("ValidateAnnotations (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseScaleBounds(t *testing.T) {
	tests := []struct {
		name     string
		anns     map[string]string
		min, max int32
		wantErr  bool
	}{
		{name: "unset"},
		{name: "both", anns: map[string]string{MinScaleAnnotationKey: "2", MaxScaleAnnotationKey: "9"}, min: 2, max: 9},
		{name: "min over unbounded max", anns: map[string]string{MinScaleAnnotationKey: "2"}, min: 2},
		{name: "min over max", anns: map[string]string{MinScaleAnnotationKey: "3", MaxScaleAnnotationKey: "1"}, min: 3, max: 1, wantErr: true},
		{name: "bad", anns: map[string]string{MinScaleAnnotationKey: "x"}, wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			lo, hi, err := ParseScaleBounds(tc.anns)
			if lo != tc.min || hi != tc.max || (err != nil) != tc.wantErr {
				t.Errorf("ParseScaleBounds = %d, %d, %v; want %d, %d, error %t", lo, hi, err, tc.min, tc.max, tc.wantErr)
			}
		})
	}
}

func TestParsers(t *testing.T) {
	anns := map[string]string{WindowAnnotationKey: "1m", TargetAnnotationKey: "2.5", InitialScaleAnnotationKey: "3"}
	if d, ok, err := ParseDuration(anns, WindowAnnotationKey); d != time.Minute || !ok || err != nil {
		t.Errorf("ParseDuration = %v, %t, %v", d, ok, err)
	}
	if f, ok, err := ParseFloat(anns, TargetAnnotationKey); f != 2.5 || !ok || err != nil {
		t.Errorf("ParseFloat = %v, %t, %v", f, ok, err)
	}
	if i, ok, err := ParseInt32(anns, InitialScaleAnnotationKey); i != 3 || !ok || err != nil {
		t.Errorf("ParseInt32 = %v, %t, %v", i, ok, err)
	}
	if _, ok, err := ParseInt32(anns, MaxScaleAnnotationKey); ok || err != nil {
		t.Errorf("ParseInt32(unset) = %t, %v", ok, err)
	}
	if _, _, err := ParseFloat(map[string]string{TargetAnnotationKey: "x"}, TargetAnnotationKey); err == nil {
		t.Error("ParseFloat(x) = nil error")
	}
}

func TestClassAndMetric(t *testing.T) {
	tests := []struct {
		anns          map[string]string
		class, metric string
	}{
		{anns: nil, class: KPA, metric: Concurrency},
		{anns: map[string]string{ClassAnnotationKey: HPA}, class: HPA, metric: CPU},
		{anns: map[string]string{MetricAnnotationKey: RPS}, class: KPA, metric: RPS},
		{anns: map[string]string{ClassAnnotationKey: "x.example.com"}, class: "x.example.com", metric: ""},
	}
	for _, tc := range tests {
		if c, m := Class(tc.anns), Metric(tc.anns); c != tc.class || m != tc.metric {
			t.Errorf("Class, Metric(%v) = %q, %q; want %q, %q", tc.anns, c, m, tc.class, tc.metric)
		}
	}
}

func TestGetReadsLegacySpellings(t *testing.T) {
	for _, tc := range []struct {
		name   string
		anns   map[string]string
		key    string
		want   string
		wantOK bool
	}{
		{"current spelling", map[string]string{MinScaleAnnotationKey: "2"}, MinScaleAnnotationKey, "2", true},
		{"legacy spelling", map[string]string{GroupName + "/minScale": "3"}, MinScaleAnnotationKey, "3", true},
		{"current wins over legacy", map[string]string{MinScaleAnnotationKey: "2", GroupName + "/minScale": "3"}, MinScaleAnnotationKey, "2", true},
		{"no legacy spelling for activation-scale", map[string]string{GroupName + "/activationScale": "2"}, ActivationScaleKey, "", false},
		{"unset", nil, MaxScaleAnnotationKey, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := Get(tc.anns, tc.key)
			if got != tc.want || ok != tc.wantOK {
				t.Errorf("Get(%s) = %q, %v; want %q, %v", tc.key, got, ok, tc.want, tc.wantOK)
			}
		})
	}
}
