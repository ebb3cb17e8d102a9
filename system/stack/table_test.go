package stack

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	clocktesting "k8s.io/utils/clock/testing"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	"github.com/knsim/knsim/system/reconciler"
)

// TestReconcilers checks the order the memory control plane depends on, and
// that every row binds a reconciler of its own kind.
func TestReconcilers(t *testing.T) {
	c := fake.NewClientBuilder().WithScheme(Scheme()).Build()
	rs, err := Reconcilers(c, reconciler.Options{Clock: clocktesting.NewFakeClock(time.Time{})}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range rs {
		names = append(names, r.Name)
		gvks, _, err := Scheme().ObjectKinds(r.List)
		if err != nil {
			t.Fatalf("%s: list kind: %v", r.Name, err)
		}
		if kind := strings.ToLower(strings.TrimSuffix(gvks[0].Kind, "List")); kind != r.Name {
			t.Errorf("%s lists %s", r.Name, gvks[0].Kind)
		}
		if r.Reconciler == nil {
			t.Errorf("%s: no reconciler", r.Name)
		}
	}
	want := []string{
		"service", "configuration", "revision", "podautoscaler", "serverlessservice", "route",
		"broker", "channel", "inmemorychannel", "natsjetstreamchannel", "trigger",
		"sequence", "parallel", "subscription", "containersource", "sinkbinding",
		"pingsource", "apiserversource", "eventtype",
	}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
}

// TestReconcilersValidates refuses options without a clock.
func TestReconcilersValidates(t *testing.T) {
	if _, err := Reconcilers(nil, reconciler.Options{}, nil); err == nil {
		t.Error("Reconcilers accepted options without a Clock")
	}
}

// TestKinds names one kind per controller, in the table's order.
func TestKinds(t *testing.T) {
	var got []string
	for _, o := range Kinds() {
		gvks, _, err := Scheme().ObjectKinds(o)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, strings.ToLower(gvks[0].Kind))
	}
	want := []string{
		"service", "configuration", "revision", "podautoscaler", "serverlessservice", "route",
		"broker", "channel", "inmemorychannel", "natsjetstreamchannel", "trigger",
		"sequence", "parallel", "subscription", "containersource", "sinkbinding",
		"pingsource", "apiserversource", "eventtype",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("kinds (-want +got):\n%s", diff)
	}
}
