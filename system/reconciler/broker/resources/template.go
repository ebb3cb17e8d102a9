package resources

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/yaml"

	eventingv1 "github.com/knsim/knsim/system/apis/eventing/v1"
	messagingv1 "github.com/knsim/knsim/system/apis/messaging/v1"
)

// The channel template configuration, as Knative's MTChannelBasedBroker
// reads it: a ConfigMap whose key channel-template-spec holds a
// ChannelTemplateSpec in YAML.
const (
	// ChannelTemplateKey is the ConfigMap key holding the template.
	ChannelTemplateKey = "channel-template-spec"
	// DefaultChannelConfigName is the ConfigMap a Broker without
	// spec.config uses, when it exists in EventingNamespace.
	DefaultChannelConfigName = "config-br-default-channel"
	// EventingNamespace is Knative Eventing's system namespace.
	EventingNamespace = "knative-eventing"
)

// ChannelConfig names the ConfigMap holding b's channel template:
// spec.config when it refers to a ConfigMap, else the cluster default
// (knative-eventing/config-br-default-channel). explicit says whether b
// named it; a default that does not exist means InMemoryChannel.
func ChannelConfig(b *eventingv1.Broker) (key types.NamespacedName, explicit bool) {
	if c := b.Spec.Config; c != nil && c.Kind == "ConfigMap" && (c.APIVersion == "v1" || c.APIVersion == "") {
		ns := c.Namespace
		if ns == "" {
			ns = b.Namespace
		}
		return types.NamespacedName{Namespace: ns, Name: c.Name}, true
	}
	return types.NamespacedName{Namespace: EventingNamespace, Name: DefaultChannelConfigName}, false
}

// ParseChannelTemplate reads the channel template of a channel
// configuration ConfigMap.
func ParseChannelTemplate(cm *corev1.ConfigMap) (*messagingv1.ChannelTemplateSpec, error) {
	raw, ok := cm.Data[ChannelTemplateKey]
	if !ok {
		return nil, fmt.Errorf("ConfigMap %s/%s has no key %q", cm.Namespace, cm.Name, ChannelTemplateKey)
	}
	t := &messagingv1.ChannelTemplateSpec{}
	if err := yaml.UnmarshalStrict([]byte(raw), t); err != nil {
		return nil, fmt.Errorf("ConfigMap %s/%s, key %q: %w", cm.Namespace, cm.Name, ChannelTemplateKey, err)
	}
	if fe := messagingv1.ValidateChannelTemplate(t); fe != nil {
		return nil, fmt.Errorf("ConfigMap %s/%s, key %q: %w", cm.Namespace, cm.Name, ChannelTemplateKey, fe.Err())
	}
	return t, nil
}
