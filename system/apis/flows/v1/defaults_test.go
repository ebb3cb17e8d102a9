package v1

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/knsim/knsim/system/apis/duck"
	messagingv1 "github.com/knsim/knsim/system/apis/messaging/v1"
)

func svc(name, ns string) *duck.KReference {
	return &duck.KReference{APIVersion: "serving.knative.dev/v1", Kind: "Service", Name: name, Namespace: ns}
}

var imcTemplate = &messagingv1.ChannelTemplateSpec{TypeMeta: metav1.TypeMeta{APIVersion: "messaging.knative.dev/v1", Kind: "InMemoryChannel"}}

func TestSequenceDefaults(t *testing.T) {
	in := &Sequence{ObjectMeta: metav1.ObjectMeta{Namespace: "ns"}, Spec: SequenceSpec{
		Steps: []SequenceStep{{Destination: duck.Destination{Ref: svc("a", "")}}, {Destination: duck.Destination{URI: "http://b"}}},
		Reply: &duck.Destination{Ref: svc("r", "")},
	}}
	want := &Sequence{ObjectMeta: metav1.ObjectMeta{Namespace: "ns"}, Spec: SequenceSpec{
		Steps:           []SequenceStep{{Destination: duck.Destination{Ref: svc("a", "ns")}}, {Destination: duck.Destination{URI: "http://b"}}},
		Reply:           &duck.Destination{Ref: svc("r", "ns")},
		ChannelTemplate: imcTemplate,
	}}
	in.SetDefaults()
	if diff := cmp.Diff(want, in); diff != "" {
		t.Errorf("SetDefaults (-want +got):\n%s", diff)
	}
}

func TestParallelDefaults(t *testing.T) {
	kafka := &messagingv1.ChannelTemplateSpec{TypeMeta: metav1.TypeMeta{APIVersion: "messaging.knative.dev/v1beta1", Kind: "KafkaChannel"}}
	tests := []struct {
		name string
		in   *Parallel
		want *Parallel
	}{{
		name: "template and namespaces",
		in: &Parallel{ObjectMeta: metav1.ObjectMeta{Namespace: "ns"}, Spec: ParallelSpec{Branches: []ParallelBranch{{
			Filter: &duck.Destination{Ref: svc("f", "")}, Subscriber: duck.Destination{Ref: svc("s", "other")},
		}}}},
		want: &Parallel{ObjectMeta: metav1.ObjectMeta{Namespace: "ns"}, Spec: ParallelSpec{ChannelTemplate: imcTemplate, Branches: []ParallelBranch{{
			Filter: &duck.Destination{Ref: svc("f", "ns")}, Subscriber: duck.Destination{Ref: svc("s", "other")},
		}}}},
	}, {
		name: "explicit template kept",
		in:   &Parallel{Spec: ParallelSpec{ChannelTemplate: kafka}},
		want: &Parallel{Spec: ParallelSpec{ChannelTemplate: kafka}},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.in.SetDefaults()
			if diff := cmp.Diff(tc.want, tc.in); diff != "" {
				t.Errorf("SetDefaults (-want +got):\n%s", diff)
			}
		})
	}
}
