package resources

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/knsim/knsim/system/apis/duck"
	flowsv1 "github.com/knsim/knsim/system/apis/flows/v1"
	messagingv1 "github.com/knsim/knsim/system/apis/messaging/v1"
)

func svc(name string) *duck.Destination {
	return &duck.Destination{Ref: &duck.KReference{APIVersion: "serving.knative.dev/v1", Kind: "Service", Name: name, Namespace: "default"}}
}

func imc(name string) *duck.KReference {
	return &duck.KReference{APIVersion: "messaging.knative.dev/v1", Kind: "InMemoryChannel", Name: name, Namespace: "default"}
}

func TestParallelSubscriptions(t *testing.T) {
	p := &flowsv1.Parallel{
		ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "my-parallel", UID: "p1"},
		Spec: flowsv1.ParallelSpec{
			Branches: []flowsv1.ParallelBranch{
				{Filter: svc("filter-1"), Subscriber: *svc("myservice-1")},
				{Subscriber: *svc("myservice-2"), Reply: svc("branch-reply")},
			},
			Reply: svc("reply"),
		},
	}
	ingress := duck.KReference{APIVersion: "messaging.knative.dev/v1", Kind: "InMemoryChannel", Name: "my-parallel-kn-parallel"}
	tests := []struct {
		name string
		got  *messagingv1.Subscription
		want messagingv1.SubscriptionSpec
	}{{
		name: "filter of branch 0: filter replies into the branch channel",
		got:  MakeFilterSubscription(p, 0),
		want: messagingv1.SubscriptionSpec{Channel: ingress, Subscriber: svc("filter-1"),
			Reply: &duck.Destination{Ref: imc("my-parallel-kn-parallel-0")}},
	}, {
		name: "filter of branch 1 without a filter: the branch channel subscribes",
		got:  MakeFilterSubscription(p, 1),
		want: messagingv1.SubscriptionSpec{Channel: ingress, Subscriber: &duck.Destination{Ref: imc("my-parallel-kn-parallel-1")}},
	}, {
		name: "branch 0 replies to spec.reply",
		got:  MakeSubscription(p, 0),
		want: messagingv1.SubscriptionSpec{
			Channel:    duck.KReference{APIVersion: "messaging.knative.dev/v1", Kind: "InMemoryChannel", Name: "my-parallel-kn-parallel-0"},
			Subscriber: svc("myservice-1"), Reply: svc("reply")},
	}, {
		name: "branch 1 replies to its own reply",
		got:  MakeSubscription(p, 1),
		want: messagingv1.SubscriptionSpec{
			Channel:    duck.KReference{APIVersion: "messaging.knative.dev/v1", Kind: "InMemoryChannel", Name: "my-parallel-kn-parallel-1"},
			Subscriber: svc("myservice-2"), Reply: svc("branch-reply")},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, tc.got.Spec); diff != "" {
				t.Errorf("spec (-want +got):\n%s", diff)
			}
		})
	}
	names := []string{MakeFilterSubscription(p, 1).Name, MakeSubscription(p, 1).Name, IngressChannelName(p.Name), BranchChannelName(p.Name, 1)}
	want := []string{"my-parallel-kn-parallel-filter-1", "my-parallel-kn-parallel-1", "my-parallel-kn-parallel", "my-parallel-kn-parallel-1"}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("names (-want +got):\n%s", diff)
	}
}
