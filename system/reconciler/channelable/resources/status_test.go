package resources

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/knsim/knsim/system/apis/duck"
)

func TestAddress(t *testing.T) {
	if got, want := Address("default", "my-channel"), "http://my-channel-kn-channel.default.svc.cluster.local"; got != want {
		t.Errorf("Address = %q, want %q", got, want)
	}
}

func TestSubscriberStatuses(t *testing.T) {
	got := SubscriberStatuses([]duck.SubscriberSpec{{UID: "a", Generation: 3, SubscriberURI: "http://x"}, {UID: "b", Generation: 1}})
	want := []duck.SubscriberStatus{{UID: "a", ObservedGeneration: 3, Ready: "True"}, {UID: "b", ObservedGeneration: 1, Ready: "True"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("SubscriberStatuses (-want +got):\n%s", diff)
	}
	if SubscriberStatuses(nil) != nil {
		t.Error("no subscribers should give a nil list")
	}
}
