package memory_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/knsim/knsim/sim/manifest"
	"github.com/knsim/knsim/sim/memory"
	autoscalingv1alpha1 "github.com/knsim/knsim/system/apis/autoscaling/v1alpha1"
	networkingv1alpha1 "github.com/knsim/knsim/system/apis/networking/v1alpha1"
	servingv1 "github.com/knsim/knsim/system/apis/serving/v1"
)

// counts is how many objects of each kind helloworld-go leaves behind.
type counts struct {
	Services, Configurations, Routes, Revisions, PodAutoscalers, SKSs, Deployments, Pods int
}

func countObjects(ctx context.Context, t *testing.T, c client.Client) counts {
	t.Helper()
	n := func(l client.ObjectList) int {
		if err := c.List(ctx, l, client.InNamespace("default")); err != nil {
			t.Fatal(err)
		}
		items, err := meta.ExtractList(l)
		if err != nil {
			t.Fatal(err)
		}
		return len(items)
	}
	return counts{
		Services: n(&servingv1.ServiceList{}), Configurations: n(&servingv1.ConfigurationList{}), Routes: n(&servingv1.RouteList{}),
		Revisions: n(&servingv1.RevisionList{}), PodAutoscalers: n(&autoscalingv1alpha1.PodAutoscalerList{}),
		SKSs: n(&networkingv1alpha1.ServerlessServiceList{}), Deployments: n(&appsv1.DeploymentList{}), Pods: n(&corev1.PodList{}),
	}
}

// Deleting a Knative Service cascades as kube-controller-manager's garbage
// collector makes it on a cluster: background and foreground take every
// object it owns (and the pods), orphan keeps its Configuration and Route
// without their owner reference.
func TestDeletingAServiceCascades(t *testing.T) {
	all := counts{1, 1, 1, 1, 1, 1, 1, 1}
	for _, tc := range []struct {
		name   string
		policy *metav1.DeletionPropagation
		want   counts
	}{
		{"default (background)", nil, counts{}},
		{"background", ptrTo(metav1.DeletePropagationBackground), counts{}},
		{"foreground", ptrTo(metav1.DeletePropagationForeground), counts{}},
		{"orphan", ptrTo(metav1.DeletePropagationOrphan), counts{0, 1, 1, 1, 1, 1, 1, 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			var out []entry
			p, _ := start(t, 1, &out)
			svc := applyHelloworld(ctx, t, p)
			if got := countObjects(ctx, t, p.Client); got != all {
				t.Fatalf("before the delete: %+v, want one of each", got)
			}
			var opts []client.DeleteOption
			if tc.policy != nil {
				opts = append(opts, client.PropagationPolicy(*tc.policy))
			}
			if err := p.Client.Delete(ctx, svc, opts...); err != nil {
				t.Fatal(err)
			}
			if err := p.RunFor(ctx, time.Minute); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, countObjects(ctx, t, p.Client)); diff != "" {
				t.Errorf("objects a minute after the delete (-want +got):\n%s", diff)
			}
			if tc.want.Configurations == 1 {
				cfg := &servingv1.Configuration{}
				if err := p.Client.Get(ctx, client.ObjectKey{Namespace: "default", Name: "helloworld-go"}, cfg); err != nil {
					t.Fatal(err)
				}
				if refs := cfg.OwnerReferences; len(refs) != 0 {
					t.Errorf("orphaned Configuration still has owners %v", refs)
				}
			}
		})
	}
}

func ptrTo[T any](v T) *T { return &v }

// applyHelloworld applies helloworld-go and runs until it is Ready.
func applyHelloworld(ctx context.Context, t *testing.T, p *memory.Plane) *servingv1.Service {
	t.Helper()
	objs, err := manifest.DecodeFile("testdata/helloworld-go.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Apply(ctx, "default", objs...); err != nil {
		t.Fatal(err)
	}
	if err := p.RunFor(ctx, 30*time.Second); err != nil {
		t.Fatal(err)
	}
	svc := &servingv1.Service{}
	if err := p.Client.Get(ctx, client.ObjectKey{Namespace: "default", Name: "helloworld-go"}, svc); err != nil {
		t.Fatal(err)
	}
	if !svc.Status.IsReady() {
		t.Fatalf("Service not Ready after 30 s: %+v", svc.Status.Conditions)
	}
	return svc
}
