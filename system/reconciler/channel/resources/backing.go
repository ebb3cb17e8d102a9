package resources

import (
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	messagingv1 "github.com/knsim/knsim/system/apis/messaging/v1"
)

// MakeBackingChannel returns the channel backing c: of c's template kind,
// with c's name, subscribers and delivery.
func MakeBackingChannel(c *messagingv1.Channel) (*unstructured.Unstructured, error) {
	return MakeChannel(c, messagingv1.SchemeGroupVersion.WithKind("Channel"), c.Name, c.Spec.ChannelTemplate, nil, &c.Spec.ChannelableSpec)
}
