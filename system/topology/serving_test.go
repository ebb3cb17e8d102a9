package topology

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	networkingv1alpha1 "github.com/knsim/knsim/system/apis/networking/v1alpha1"
	servingv1 "github.com/knsim/knsim/system/apis/serving/v1"
)

func pod(name, rev string, ready, deleting bool) *corev1.Pod {
	p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: name, Labels: map[string]string{servingv1.RevisionLabelKey: rev}}}
	status := corev1.ConditionFalse
	if ready {
		status = corev1.ConditionTrue
	}
	p.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodReady, Status: status}}
	if deleting {
		p.DeletionTimestamp = &metav1.Time{Time: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
		p.Finalizers = []string{"knsim.dev/test"} // a fake client keeps a deleting object only with a finalizer
	}
	return p
}

// ReadServing gathers each revision's Service, containerConcurrency,
// timeout, ServerlessService mode and ready, not terminating pods, sorted.
func TestReadServing(t *testing.T) {
	s := runtime.NewScheme()
	utilruntime.Must(clientgoscheme.AddToScheme(s))
	utilruntime.Must(servingv1.AddToScheme(s))
	utilruntime.Must(networkingv1alpha1.AddToScheme(s))
	rev := func(name string, cc int64, timeout *int64) *servingv1.Revision {
		r := &servingv1.Revision{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: name, Labels: map[string]string{servingv1.ServiceLabelKey: "hello"}}}
		r.Spec.ContainerConcurrency = ptr.To(cc)
		r.Spec.TimeoutSeconds = timeout
		return r
	}
	objs := []client.Object{
		&servingv1.Route{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "hello"}},
		rev("hello-1", 1, ptr.To[int64](30)),
		rev("hello-2", 0, nil),
		&networkingv1alpha1.ServerlessService{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "hello-1"},
			Spec: networkingv1alpha1.ServerlessServiceSpec{Mode: networkingv1alpha1.SKSModeProxy}},
		pod("hello-1-b", "hello-1", true, false),
		pod("hello-1-a", "hello-1", true, false),
		pod("hello-1-c", "hello-1", false, false),
		pod("hello-1-d", "hello-1", true, true),
		pod("other", "", true, false),
	}
	c := fake.NewClientBuilder().WithScheme(s).WithObjects(objs...).Build()
	got, err := ReadServing(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	want := map[types.NamespacedName]RevisionInfo{
		{Namespace: "default", Name: "hello-1"}: {Service: "hello", ContainerConcurrency: 1, Timeout: 30 * time.Second, Proxy: true,
			ReadyPods: []string{"hello-1-a", "hello-1-b"}},
		{Namespace: "default", Name: "hello-2"}: {Service: "hello", Timeout: time.Duration(servingv1.DefaultTimeoutSeconds) * time.Second},
	}
	if diff := cmp.Diff(want, got.Revisions); diff != "" {
		t.Errorf("revisions (-want +got):\n%s", diff)
	}
	if len(got.Routes) != 1 || got.Routes[0].Name != "hello" {
		t.Errorf("routes = %v, want hello", got.Routes)
	}
}

func TestCompareKeys(t *testing.T) {
	keys := []types.NamespacedName{{Namespace: "b", Name: "a"}, {Namespace: "a", Name: "z"}, {Namespace: "a", Name: "b"}}
	slices.SortFunc(keys, CompareKeys)
	want := []types.NamespacedName{{Namespace: "a", Name: "b"}, {Namespace: "a", Name: "z"}, {Namespace: "b", Name: "a"}}
	if diff := cmp.Diff(want, keys); diff != "" {
		t.Errorf("sorted keys (-want +got):\n%s", diff)
	}
}
