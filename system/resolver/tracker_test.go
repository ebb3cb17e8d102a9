package resolver

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/types"

	"github.com/knsim/knsim/system/apis/duck"
)

func TestTracker(t *testing.T) {
	tr := NewTracker()
	a := types.NamespacedName{Namespace: "default", Name: "a"}
	b := types.NamespacedName{Namespace: "default", Name: "b"}
	svc := KeyOf(duck.KReference{APIVersion: "serving.knative.dev/v1", Kind: "Service", Name: "s"}, "default")
	broker := KeyOf(duck.KReference{APIVersion: "eventing.knative.dev/v1", Kind: "Broker", Name: "x", Namespace: "other"}, "default")

	if want := (Key{Group: "serving.knative.dev", Kind: "Service", Namespace: "default", Name: "s"}); svc != want {
		t.Fatalf("KeyOf = %+v, want %+v", svc, want)
	}
	tr.Track(a, svc, broker)
	tr.Track(b, svc)
	if diff := cmp.Diff([]types.NamespacedName{a, b}, tr.Referrers(svc)); diff != "" {
		t.Errorf("referrers of svc (-want +got):\n%s", diff)
	}
	tr.Track(a, broker) // a no longer depends on svc
	if diff := cmp.Diff([]types.NamespacedName{b}, tr.Referrers(svc)); diff != "" {
		t.Errorf("after retrack, referrers of svc (-want +got):\n%s", diff)
	}
	tr.Forget(a)
	if got := tr.Referrers(broker); len(got) != 0 {
		t.Errorf("after Forget, referrers of broker = %v", got)
	}
	var nilTracker *Tracker
	nilTracker.Track(a, svc)
	if got := nilTracker.Referrers(svc); got != nil {
		t.Errorf("nil tracker referrers = %v", got)
	}
}
