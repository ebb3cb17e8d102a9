package resources

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/utils/ptr"

	"github.com/knsim/knsim/system/apis/duck"
	flowsv1 "github.com/knsim/knsim/system/apis/flows/v1"
	messagingv1 "github.com/knsim/knsim/system/apis/messaging/v1"
)

func TestMakeChannel(t *testing.T) {
	owner := &flowsv1.Sequence{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "seq", UID: "u1"}}
	tmpl := &messagingv1.ChannelTemplateSpec{
		TypeMeta: metav1.TypeMeta{APIVersion: "messaging.knative.dev/v1beta1", Kind: "KafkaChannel"},
		Spec:     &runtime.RawExtension{Raw: []byte(`{"numPartitions": 3}`)},
	}
	u, err := MakeChannel(owner, flowsv1.SchemeGroupVersion.WithKind("Sequence"), "seq-kn-sequence-0", tmpl, nil,
		&messagingv1.ChannelableSpec{Delivery: &duck.DeliverySpec{Retry: ptr.To[int32](2)}})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"apiVersion": "messaging.knative.dev/v1beta1",
		"kind":       "KafkaChannel",
		"metadata": map[string]any{
			"namespace": "ns",
			"name":      "seq-kn-sequence-0",
			"ownerReferences": []any{map[string]any{
				"apiVersion": "flows.knative.dev/v1", "kind": "Sequence", "name": "seq", "uid": "u1",
				"controller": true, "blockOwnerDeletion": true,
			}},
		},
		"spec": map[string]any{"numPartitions": float64(3), "delivery": map[string]any{"retry": int64(2)}},
	}
	if diff := cmp.Diff(want, u.Object); diff != "" {
		t.Errorf("MakeChannel (-want +got):\n%s", diff)
	}
	if got := GVK(nil).Kind; got != "InMemoryChannel" {
		t.Errorf("default kind = %q", got)
	}
}

func TestSubscribersRoundTrip(t *testing.T) {
	u := New(GVK(nil))
	subs := []duck.SubscriberSpec{{UID: "a", Generation: 2, SubscriberURI: "http://s", Delivery: &duck.DeliverySpec{Retry: ptr.To[int32](1)}}}
	if err := SetSubscribers(u, subs); err != nil {
		t.Fatal(err)
	}
	got, err := Subscribers(u)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(subs, got); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	if err := SetSubscribers(u, nil); err != nil {
		t.Fatal(err)
	}
	if got, _ := Subscribers(u); got != nil {
		t.Errorf("after clearing: %v", got)
	}
}

func TestSyncSpecKeepsSubscribers(t *testing.T) {
	have := New(GVK(nil))
	_ = SetSubscribers(have, []duck.SubscriberSpec{{UID: "a", SubscriberURI: "http://s"}})
	have.Object["spec"].(map[string]any)["delivery"] = map[string]any{"retry": int64(1)}
	want := New(GVK(nil))
	if !SyncSpec(have, want, "delivery") {
		t.Fatal("removing delivery reported no change")
	}
	if subs, _ := Subscribers(have); len(subs) != 1 {
		t.Errorf("subscribers were touched: %v", subs)
	}
	if SyncSpec(have, want, "delivery") {
		t.Error("second sync reported a change")
	}
}

func TestStatus(t *testing.T) {
	u := New(GVK(nil))
	u.Object["status"] = map[string]any{
		"address":     map[string]any{"url": "http://c"},
		"conditions":  []any{map[string]any{"type": "Ready", "status": "True"}},
		"subscribers": []any{map[string]any{"uid": "a", "observedGeneration": int64(1), "ready": "True"}},
	}
	st, err := Status(u)
	if err != nil {
		t.Fatal(err)
	}
	if st.Address.URL != "http://c" || !st.IsReady() || len(st.Subscribers) != 1 || st.Subscribers[0].UID != "a" {
		t.Errorf("Status = %+v", st)
	}
}
