package webhook

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	"github.com/knsim/knsim/system/apis/duck"
	eventingv1 "github.com/knsim/knsim/system/apis/eventing/v1"
	messagingv1 "github.com/knsim/knsim/system/apis/messaging/v1"
	servingv1 "github.com/knsim/knsim/system/apis/serving/v1"
)

func ksvc(name, initialScale string) *servingv1.Service {
	s := &servingv1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: name}}
	s.Spec.Template.Spec.Containers = []corev1.Container{{Image: "gcr.io/knative-samples/helloworld-go"}}
	if initialScale != "" {
		s.Spec.Template.Annotations = map[string]string{"autoscaling.knative.dev/initial-scale": initialScale}
	}
	return s
}

// twoContainers is a Service with a sidecar; the user container serves.
func twoContainers() *servingv1.Service {
	s := ksvc("sidecar", "")
	s.Spec.Template.Spec.Containers[0].Ports = []corev1.ContainerPort{{ContainerPort: 8080}}
	s.Spec.Template.Spec.Containers = append(s.Spec.Template.Spec.Containers, corev1.Container{Name: "sidecar", Image: "example.com/sidecar"})
	return s
}

func configMap(ns, name string, data map[string]string) *corev1.ConfigMap {
	return &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}, Data: data}
}

var (
	allowZero   = configMap("knative-serving", "config-autoscaler", map[string]string{"allow-zero-initial-scale": "true"})
	crossNSOn   = configMap("knative-eventing", "config-features", map[string]string{"cross-namespace-event-links": "enabled"})
	crossNSOff  = configMap("knative-eventing", "config-features", map[string]string{"cross-namespace-event-links": "disabled"})
	inTeamA     = metav1.ObjectMeta{Namespace: "team-a", Name: "x"}
	victimTeamB = &duck.KReference{APIVersion: "serving.knative.dev/v1", Kind: "Service", Namespace: "team-b", Name: "victim"}
)

func crossTrigger() *eventingv1.Trigger {
	return &eventingv1.Trigger{ObjectMeta: inTeamA, Spec: eventingv1.TriggerSpec{Broker: "default",
		Subscriber: duck.Destination{Ref: victimTeamB.DeepCopy()}}}
}

func crossSubscription(edit func(*messagingv1.Subscription)) *messagingv1.Subscription {
	s := &messagingv1.Subscription{ObjectMeta: inTeamA, Spec: messagingv1.SubscriptionSpec{
		Channel:    duck.KReference{APIVersion: "messaging.knative.dev/v1", Kind: "InMemoryChannel", Name: "ch"},
		Subscriber: &duck.Destination{Ref: &duck.KReference{APIVersion: "serving.knative.dev/v1", Kind: "Service", Name: "display"}},
	}}
	edit(s)
	return s
}

// TestAdmitSettings: what Knative refuses by default, and admits once its
// ConfigMaps say so, is refused and admitted alike, with Knative's messages.
func TestAdmitSettings(t *testing.T) {
	const mismatch = "validation failed: mismatched namespaces: "
	tests := []struct {
		name string
		// cms are the ConfigMaps in the cluster.
		cms []client.Object
		obj runtime.Object
		old runtime.Object
		// want is the whole rejection; "" admits.
		want string
	}{{
		name: "initial-scale 0 without allow-zero-initial-scale",
		obj:  ksvc("zero", "0"),
		want: "validation failed: invalid value: 0: spec.template.metadata.annotations.autoscaling.knative.dev/initial-scale",
	}, {
		name: "initial-scale 0 with allow-zero-initial-scale",
		cms:  []client.Object{allowZero},
		obj:  ksvc("zero", "0"),
	}, {
		name: "initial-scale 0 with allow-zero-initial-scale false",
		cms:  []client.Object{configMap("knative-serving", "config-autoscaler", map[string]string{"allow-zero-initial-scale": "false"})},
		obj:  ksvc("zero", "0"),
		want: "validation failed: invalid value: 0: spec.template.metadata.annotations.autoscaling.knative.dev/initial-scale",
	}, {
		name: "initial-scale 1",
		obj:  ksvc("one", "1"),
	}, {
		name: "initial-scale 0 on a Configuration",
		obj:  &servingv1.Configuration{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "zero"}, Spec: ksvc("zero", "0").Spec.ConfigurationSpec},
		want: "validation failed: invalid value: 0: spec.template.metadata.annotations.autoscaling.knative.dev/initial-scale",
	}, {
		name: "initial-scale 0 on a Revision",
		obj: &servingv1.Revision{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "zero-00001",
			Annotations: map[string]string{"autoscaling.knative.dev/initial-scale": "0"}}, Spec: ksvc("zero", "").Spec.Template.Spec},
		want: "validation failed: invalid value: 0: metadata.annotations.autoscaling.knative.dev/initial-scale",
	}, {
		name: "an update that keeps initial-scale 0 after the setting went",
		obj:  ksvc("zero", "0"),
		old:  ksvc("zero", "0"),
	}, {
		name: "an update that sets initial-scale 0",
		obj:  ksvc("zero", "0"),
		old:  ksvc("zero", "1"),
		want: "validation failed: invalid value: 0: spec.template.metadata.annotations.autoscaling.knative.dev/initial-scale",
	}, {
		name: "a Service name of 84 characters",
		obj:  ksvc(strings.Repeat("a", 84), ""),
		want: "validation failed: not a DNS 1035 label: [must be no more than 63 characters]: metadata.name",
	}, {
		name: "Trigger with a subscriber in another namespace",
		obj:  crossTrigger(),
		want: mismatch + "spec.subscriber.ref.namespace\nparent namespace: \"team-a\" does not match ref: \"team-b\"",
	}, {
		name: "Trigger with a subscriber in another namespace, flag disabled",
		cms:  []client.Object{crossNSOff},
		obj:  crossTrigger(),
		want: mismatch + "spec.subscriber.ref.namespace\nparent namespace: \"team-a\" does not match ref: \"team-b\"",
	}, {
		name: "Trigger with a subscriber in another namespace, flag enabled",
		cms:  []client.Object{crossNSOn},
		obj:  crossTrigger(),
	}, {
		name: "Trigger with a dead letter sink in another namespace",
		obj: func() runtime.Object {
			tr := crossTrigger()
			tr.Spec.Subscriber.Ref.Namespace = "team-a"
			tr.Spec.Delivery = &duck.DeliverySpec{DeadLetterSink: &duck.Destination{Ref: victimTeamB.DeepCopy()}}
			return tr
		}(),
		want: mismatch + "spec.delivery.deadLetterSink.ref.namespace\nparent namespace: \"team-a\" does not match ref: \"team-b\"",
	}, {
		name: "Trigger in its own namespace",
		obj:  trigger(),
	}, {
		name: "Subscription with a subscriber in another namespace",
		obj:  crossSubscription(func(s *messagingv1.Subscription) { s.Spec.Subscriber.Ref.Namespace = "team-b" }),
		want: mismatch + "spec.subscriber.ref.namespace\nparent namespace: \"team-a\" does not match ref: \"team-b\"",
	}, {
		name: "Subscription to a channel in another namespace",
		obj:  crossSubscription(func(s *messagingv1.Subscription) { s.Spec.Channel.Namespace = "team-b" }),
		want: mismatch + "spec.channel.namespace\nparent namespace: \"team-a\" does not match ref: \"team-b\"",
	}, {
		name: "Subscription with a reply in another namespace",
		obj: crossSubscription(func(s *messagingv1.Subscription) {
			s.Spec.Reply = &duck.Destination{Ref: victimTeamB.DeepCopy()}
		}),
		want: mismatch + "spec.reply.ref.namespace\nparent namespace: \"team-a\" does not match ref: \"team-b\"",
	}, {
		name: "Subscription across namespaces, flag enabled",
		cms:  []client.Object{crossNSOn},
		obj:  crossSubscription(func(s *messagingv1.Subscription) { s.Spec.Subscriber.Ref.Namespace = "team-b" }),
	}, {
		name: "Subscription in its own namespace",
		obj:  crossSubscription(func(*messagingv1.Subscription) {}),
	}, {
		name: "cross-namespace-event-links Enabled, in Knative's any case",
		cms:  []client.Object{configMap("knative-eventing", "config-features", map[string]string{"cross-namespace-event-links": "Enabled"})},
		obj:  crossTrigger(),
	}, {
		name: "two containers: multi-container is enabled by default",
		obj:  twoContainers(),
	}, {
		name: "two containers with multi-container disabled",
		cms:  []client.Object{configMap("knative-serving", "config-features", map[string]string{"multi-container": "disabled"})},
		obj:  twoContainers(),
		want: "validation failed: multi-container is off, but found 2 containers: spec.template.spec.containers",
	}, {
		name: "one container with multi-container disabled",
		cms:  []client.Object{configMap("knative-serving", "config-features", map[string]string{"multi-container": "disabled"})},
		obj:  ksvc("one", ""),
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := fake.NewClientBuilder().WithScheme(clientgoscheme.Scheme).WithObjects(tc.cms...).Build()
			var got string
			if err := AdmitIn(context.Background(), r, tc.obj, tc.old); err != nil {
				got = err.Error()
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("AdmitIn (-want +got):\n%s", diff)
			}
		})
	}
}

// TestAdmitDefaultSettings: Admit, which reads no ConfigMap, holds to
// Knative's defaults, and AdmitWith to the settings it is given.
func TestAdmitDefaultSettings(t *testing.T) {
	if err := Admit(ksvc("zero", "0"), nil); err == nil {
		t.Error("Admit accepted initial-scale 0")
	}
	if err := Admit(crossTrigger(), nil); err == nil {
		t.Error("Admit accepted a Trigger into another namespace")
	}
	if err := AdmitWith(Settings{AllowZeroInitialScale: true, CrossNamespaceEventLinks: true}, ksvc("zero", "0"), nil); err != nil {
		t.Errorf("AdmitWith(allow zero): %v", err)
	}
	if err := Admit(twoContainers(), nil); err != nil {
		t.Errorf("Admit refused two containers, which Knative's default multi-container allows: %v", err)
	}
	if err := AdmitWith(Settings{MultiContainerOff: true}, twoContainers(), nil); err == nil {
		t.Error("AdmitWith(multi-container off) accepted two containers")
	}
	if err := AdmitWith(Settings{CrossNamespaceEventLinks: true}, crossTrigger(), nil); err != nil {
		t.Errorf("AdmitWith(cross-namespace): %v", err)
	}
}
