package policy

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

type fixed struct{ n int32 }

func (f fixed) Observe(time.Time, Observation) {}
func (f fixed) Decide(time.Time) Decision      { return Decision{DesiredScale: f.n} }

func TestRegister(t *testing.T) {
	ok := func(Params) (Policy, error) { return fixed{n: 3}, nil }
	tests := []struct {
		name    string
		class   string
		f       Factory
		wantErr string
	}{
		{name: "custom class", class: "mine.example.com", f: ok},
		{name: "registered twice", class: "taken.example.com", f: ok, wantErr: `policy: class "taken.example.com" is already registered`},
		{name: "empty", class: " ", f: ok, wantErr: "policy: class name is empty"},
		{name: "nil factory", class: "nil.example.com", wantErr: `policy: class "nil.example.com": nil Factory`},
		{name: "kpa built in", class: "kpa.autoscaling.knative.dev", f: ok, wantErr: `policy: class "kpa.autoscaling.knative.dev" is built in and cannot be registered`},
		{name: "knative domain", class: "foo.autoscaling.knative.dev", f: ok, wantErr: `policy: class "foo.autoscaling.knative.dev": the knative.dev domain is Knative's own`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := NewRegistry()
			r.MustRegister("taken.example.com", ok)
			got := ""
			if err := r.Register(tc.class, tc.f); err != nil {
				got = err.Error()
			}
			if diff := cmp.Diff(tc.wantErr, got); diff != "" {
				t.Fatalf("Register (-want +got):\n%s", diff)
			}
			if tc.wantErr != "" {
				return
			}
			pol, err := r.New(Params{Class: tc.class})
			if err != nil {
				t.Fatal(err)
			}
			if got := pol.Decide(time.Time{}).DesiredScale; got != 3 {
				t.Errorf("registered policy decided %d, want 3", got)
			}
			if diff := cmp.Diff([]string{tc.class, "taken.example.com"}, r.Classes()); diff != "" {
				t.Errorf("Classes (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNewUnknownClass(t *testing.T) {
	_, err := NewRegistry().New(Params{Class: "nobody.example.com"})
	want := `policy: no policy registered for autoscaling.knative.dev/class "nobody.example.com"`
	if err == nil || err.Error() != want {
		t.Errorf("New of an unregistered class = %v, want %q", err, want)
	}
}

func TestObservationBusy(t *testing.T) {
	tests := []struct {
		name string
		o    Observation
		want bool
	}{
		{name: "nothing", want: false},
		{name: "idle pods", o: Observation{Pods: []Pod{{Name: "a"}}}, want: false},
		{name: "a busy pod", o: Observation{Pods: []Pod{{Name: "a"}, {Name: "b", InFlight: 2}}}, want: true},
		{name: "a waiting request", o: Observation{Waiting: 1}, want: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.o.Busy(); got != tc.want {
				t.Errorf("Busy() = %v, want %v", got, tc.want)
			}
		})
	}
}
