package resources

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/knsim/knsim/system/apis/duck"
	eventingv1 "github.com/knsim/knsim/system/apis/eventing/v1"
)

func TestBroker(t *testing.T) {
	b := &eventingv1.Broker{
		ObjectMeta: metav1.ObjectMeta{Namespace: "live", Name: "danmaku", UID: "b1"},
		Spec:       eventingv1.BrokerSpec{Delivery: &duck.DeliverySpec{Retry: ptr.To[int32](5)}},
	}
	if got, want := Address(b), "http://broker-ingress.knative-eventing.svc.cluster.local/live/danmaku"; got != want {
		t.Errorf("Address = %q, want %q", got, want)
	}
	got, err := MakeTriggerChannel(b, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"apiVersion": "messaging.knative.dev/v1",
		"kind":       "InMemoryChannel",
		"metadata": map[string]any{
			"namespace": "live", "name": "danmaku-kne-trigger",
			"labels": map[string]any{"eventing.knative.dev/broker": "danmaku", "eventing.knative.dev/brokerEverything": "true"},
			"ownerReferences": []any{map[string]any{"apiVersion": "eventing.knative.dev/v1", "kind": "Broker", "name": "danmaku", "uid": "b1",
				"controller": true, "blockOwnerDeletion": true}},
		},
		"spec": map[string]any{"delivery": map[string]any{"retry": int64(5)}},
	}
	if diff := cmp.Diff(want, got.Object); diff != "" {
		t.Errorf("MakeTriggerChannel (-want +got):\n%s", diff)
	}
	wantAnn := map[string]string{
		"knative.dev/channelAPIVersion": "messaging.knative.dev/v1",
		"knative.dev/channelKind":       "InMemoryChannel",
		"knative.dev/channelName":       "danmaku-kne-trigger",
		"knative.dev/channelAddress":    "http://danmaku-kne-trigger-kn-channel.live.svc.cluster.local",
	}
	if diff := cmp.Diff(wantAnn, ChannelAnnotations(got, "http://danmaku-kne-trigger-kn-channel.live.svc.cluster.local")); diff != "" {
		t.Errorf("ChannelAnnotations (-want +got):\n%s", diff)
	}
}

func TestChannelTemplateConfig(t *testing.T) {
	b := &eventingv1.Broker{ObjectMeta: metav1.ObjectMeta{Namespace: "live", Name: "b"}}
	if key, explicit := ChannelConfig(b); explicit || key.String() != "knative-eventing/config-br-default-channel" {
		t.Errorf("default config = %s, explicit %v", key, explicit)
	}
	b.Spec.Config = &duck.KReference{APIVersion: "v1", Kind: "ConfigMap", Name: "jsm"}
	if key, explicit := ChannelConfig(b); !explicit || key.String() != "live/jsm" {
		t.Errorf("spec.config = %s, explicit %v", key, explicit)
	}
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "live", Name: "jsm"}, Data: map[string]string{
		"channel-template-spec": "apiVersion: messaging.knative.dev/v1alpha1\nkind: NatsJetStreamChannel\n",
	}}
	tmpl, err := ParseChannelTemplate(cm)
	if err != nil {
		t.Fatal(err)
	}
	ch, err := MakeTriggerChannel(b, tmpl)
	if err != nil {
		t.Fatal(err)
	}
	if got := ChannelAnnotations(ch, "http://x")["knative.dev/channelKind"]; got != "NatsJetStreamChannel" {
		t.Errorf("channel kind = %q", got)
	}
	for _, bad := range []map[string]string{{}, {"channel-template-spec": "kind: X\n"}, {"channel-template-spec": "apiVersion: [\n"}} {
		if _, err := ParseChannelTemplate(&corev1.ConfigMap{Data: bad}); err == nil {
			t.Errorf("ParseChannelTemplate(%v) succeeded", bad)
		}
	}
}
