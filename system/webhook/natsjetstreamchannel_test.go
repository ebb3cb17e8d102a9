package webhook

import (
	"strings"
	"testing"

	"k8s.io/utils/ptr"

	"github.com/knsim/knsim/system/apis/duck"
	messagingv1 "github.com/knsim/knsim/system/apis/messaging/v1"
	messagingv1alpha1 "github.com/knsim/knsim/system/apis/messaging/v1alpha1"
)

func TestAdmitNatsJetStreamChannel(t *testing.T) {
	tests := []struct {
		name string
		spec messagingv1alpha1.NatsJetStreamChannelSpec
		want string // substring of the rejection; "" admits
	}{{
		name: "empty",
	}, {
		name: "stream limits",
		spec: messagingv1alpha1.NatsJetStreamChannelSpec{Stream: messagingv1alpha1.Stream{Config: &messagingv1alpha1.StreamConfig{MaxMsgs: 100}}},
	}, {
		name: "negative retry, checked with the data plane's parser",
		spec: messagingv1alpha1.NatsJetStreamChannelSpec{ChannelableSpec: messagingv1.ChannelableSpec{
			Delivery: &duck.DeliverySpec{Retry: ptr.To[int32](-1)}}},
		want: "spec.delivery.retry",
	}, {
		name: "bad backoff delay",
		spec: messagingv1alpha1.NatsJetStreamChannelSpec{ChannelableSpec: messagingv1.ChannelableSpec{
			Delivery: &duck.DeliverySpec{BackoffDelay: ptr.To("soon")}}},
		want: "spec.delivery.backoffDelay",
	}, {
		name: "a mirror stream",
		spec: messagingv1alpha1.NatsJetStreamChannelSpec{Stream: messagingv1alpha1.Stream{Config: &messagingv1alpha1.StreamConfig{
			Mirror: &messagingv1alpha1.StreamSource{Name: "other"}}}},
		want: "not supported by knsim",
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := Admit(&messagingv1alpha1.NatsJetStreamChannel{ObjectMeta: meta, Spec: tc.spec}, nil)
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("Admit: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("Admit = %v, want an error mentioning %q", err, tc.want)
			}
		})
	}
}
