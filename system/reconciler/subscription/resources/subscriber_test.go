package resources

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/knsim/knsim/system/apis/duck"
	messagingv1 "github.com/knsim/knsim/system/apis/messaging/v1"
)

func TestMakeSubscriber(t *testing.T) {
	retry := ptr.To[int32](3)
	dlsRef := &duck.Destination{Ref: &duck.KReference{APIVersion: "v1", Kind: "Service", Name: "dls"}}
	sub := &messagingv1.Subscription{ObjectMeta: metav1.ObjectMeta{UID: "u", Generation: 2}}
	tests := []struct {
		name     string
		own, ch  *duck.DeliverySpec
		resolved Resolved
		want     duck.SubscriberSpec
	}{{
		name:     "no delivery",
		resolved: Resolved{SubscriberURI: "http://s", ReplyURI: "http://r"},
		want:     duck.SubscriberSpec{UID: "u", Generation: 2, SubscriberURI: "http://s", ReplyURI: "http://r"},
	}, {
		name:     "own delivery, dead letter sink resolved to a URI",
		own:      &duck.DeliverySpec{Retry: retry, DeadLetterSink: dlsRef},
		resolved: Resolved{SubscriberURI: "http://s", DeadLetterSinkURI: "http://dls.default.svc.cluster.local"},
		want: duck.SubscriberSpec{UID: "u", Generation: 2, SubscriberURI: "http://s", Delivery: &duck.DeliverySpec{
			Retry: retry, DeadLetterSink: &duck.Destination{URI: "http://dls.default.svc.cluster.local"}}},
	}, {
		name:     "channel delivery when the Subscription sets none",
		ch:       &duck.DeliverySpec{Retry: ptr.To[int32](10)},
		resolved: Resolved{SubscriberURI: "http://s"},
		want:     duck.SubscriberSpec{UID: "u", Generation: 2, SubscriberURI: "http://s", Delivery: &duck.DeliverySpec{Retry: ptr.To[int32](10)}},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := sub.DeepCopy()
			s.Spec.Delivery = tc.own
			got := MakeSubscriber(s, tc.resolved, EffectiveDelivery(s, tc.ch))
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("MakeSubscriber (-want +got):\n%s", diff)
			}
		})
	}
}

func TestUpsertAndRemove(t *testing.T) {
	a := duck.SubscriberSpec{UID: "a", SubscriberURI: "http://a"}
	b := duck.SubscriberSpec{UID: "b", SubscriberURI: "http://b"}
	subs, changed := Upsert(nil, a)
	if !changed || len(subs) != 1 {
		t.Fatalf("Upsert into empty: %v %v", subs, changed)
	}
	subs, _ = Upsert(subs, b)
	if _, changed := Upsert(subs, a); changed {
		t.Error("Upsert of an identical entry reported a change")
	}
	a2 := a
	a2.SubscriberURI = "http://a2"
	subs, changed = Upsert(subs, a2)
	if diff := cmp.Diff([]duck.SubscriberSpec{a2, b}, subs); diff != "" || !changed {
		t.Errorf("Upsert replace (-want +got):\n%s", diff)
	}
	subs, removed := Remove(subs, "a")
	if diff := cmp.Diff([]duck.SubscriberSpec{b}, subs); diff != "" || !removed {
		t.Errorf("Remove (-want +got):\n%s", diff)
	}
	if _, removed := Remove(subs, "zzz"); removed {
		t.Error("Remove of an absent uid reported a change")
	}
}

func TestReadiness(t *testing.T) {
	st := []duck.SubscriberStatus{{UID: "a", ObservedGeneration: 1, Ready: "True"}}
	if Readiness(st, "a", 2) != nil {
		t.Error("a stale generation counted")
	}
	if got := Readiness(st, "a", 1); got == nil || got.Ready != "True" {
		t.Errorf("Readiness = %v", got)
	}
}
