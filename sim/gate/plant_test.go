package gate

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/knsim/knsim/sim/scenario"
)

func TestParseSetting(t *testing.T) {
	tests := []struct {
		name, in string
		want     Setting
		wantErr  string
	}{
		{name: "annotation", in: "services[*].annotations[autoscaling.knative.dev/scale-down-delay]=15s",
			want: Setting{Path: "services[*].annotations[autoscaling.knative.dev/scale-down-delay]", Value: "15s"}},
		{name: "spaces trimmed", in: " configmaps[config-autoscaler].stable-window = 90s", want: Setting{Path: "configmaps[config-autoscaler].stable-window", Value: "90s"}},
		{name: "no '='", in: "services[a].annotations[x/y]", wantErr: "want PATH=VALUE"},
		{name: "no path", in: "=3", wantErr: "no setting before '='"},
		{name: "no value", in: "workloads[a].maxInFlight=", wantErr: "no value after '='"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseSetting(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if back, _ := ParseSetting(got.String()); back != got {
				t.Errorf("String %q does not read back", got.String())
			}
		})
	}
}

// A plant changes the scenario it is applied to: the service times, the
// settings it names; a setting the scenario lacks is left out, a value the
// stack refuses is an error.
func TestPlantApply(t *testing.T) {
	minScale := func(sc *scenario.Scenario) string {
		v, _, _ := unstructured.NestedString(sc.Manifests[0].Objects[0].Object, "spec", "template", "metadata", "annotations", "autoscaling.knative.dev/min-scale")
		return v
	}
	type state struct {
		MinScale string
		Mu       float64
	}
	const muTiny = -2.3
	tests := []struct {
		name    string
		plant   Plant
		want    state
		wantErr string
	}{
		{name: "nothing", plant: Plant{}, want: state{"1", muTiny}},
		{name: "service times", plant: Plant{Factor: 1.5}, want: state{"1", muTiny + 0.4054651081081644}},
		{name: "an annotation", plant: Plant{Settings: []Setting{{"services[tiny].annotations[autoscaling.knative.dev/min-scale]", "3"}}}, want: state{"3", muTiny}},
		{name: "both, and another scenario's Service left out", plant: Plant{Factor: 1.5, Settings: []Setting{
			{"services[tiny].annotations[autoscaling.knative.dev/min-scale]", "2"},
			{"services[other].annotations[autoscaling.knative.dev/min-scale]", "9"}}}, want: state{"2", muTiny + 0.4054651081081644}},
		{name: "a value the stack refuses", plant: Plant{Settings: []Setting{{"services[tiny].annotations[autoscaling.knative.dev/min-scale]", "-1"}}},
			wantErr: "testdata/tiny.yaml: planted setting services[tiny].annotations[autoscaling.knative.dev/min-scale]=-1: Knative Service tiny:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc, err := scenario.Load("testdata/tiny.yaml")
			if err != nil {
				t.Fatal(err)
			}
			err = tt.plant.Apply(sc)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := state{minScale(sc), sc.Workloads["tiny"].ServiceTime.Mu}
			if diff := cmp.Diff(tt.want, got, approx); diff != "" {
				t.Errorf("scenario after the plant (-want +got):\n%s", diff)
			}
		})
	}
	if got := (Plant{Factor: 1.1, Settings: []Setting{{"a", "b"}}}).String(); got != "service times x1.1, a=b" {
		t.Errorf("String = %q", got)
	}
}

// CheckPlant fails before anything runs when a setting fits no scenario of
// the gate, naming each scenario's reason.
func TestCheckPlant(t *testing.T) {
	l, err := Load("testdata/tiny.gate.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := l.CheckPlant(Plant{Settings: []Setting{{"services[tiny].annotations[autoscaling.knative.dev/window]", "90s"}}}); err != nil {
		t.Errorf("a setting the scenario has: %v", err)
	}
	err = l.CheckPlant(Plant{Settings: []Setting{{"services[nope].annotations[autoscaling.knative.dev/window]", "90s"}}})
	want := "planted setting services[nope].annotations[autoscaling.knative.dev/window] fits no scenario of gate tiny:\n  testdata/tiny.yaml: no Knative Service default/nope in the scenario's manifests; they define default/tiny"
	if err == nil || err.Error() != want {
		t.Errorf("error %v, want %q", err, want)
	}
}
