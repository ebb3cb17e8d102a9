package topology

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

func kubeService(ns, name string, selector map[string]string, typ corev1.ServiceType) *corev1.Service {
	return &corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec: corev1.ServiceSpec{Selector: selector, Type: typ}}
}

// appPod is a pod labelled app=app, ready or not; held pods carry
// holdFinalizer.
func appPod(ns, name, app string, ready, held bool) *corev1.Pod {
	p := revPod(ns, name, "", ready, held)
	if app != "" {
		p.Labels = map[string]string{"app": app, "tier": "web"}
	}
	return p
}

// The tracker follows plain Services and the pods their selectors pick
// through pod and Service writes, as ReadServing reads them, and names the
// Services it changed in the delta.
func TestTrackerKubeServices(t *testing.T) {
	const ns = "default"
	app1 := map[string]string{"app": "app1"}
	steps := []struct {
		name      string
		write     func(w *world)
		want      map[types.NamespacedName]KubeService
		wantDelta []types.NamespacedName
	}{{
		name: "a Service selects the ready pods of its namespace",
		write: func(w *world) {
			w.put(kubeService(ns, "deployment", app1, ""))
			w.put(appPod(ns, "d-a", "app1", true, false))
			w.put(appPod(ns, "d-b", "app1", false, false))
			w.put(appPod("other", "d-c", "app1", true, false))
			w.put(appPod(ns, "x-a", "app2", true, false))
		},
		want:      map[types.NamespacedName]KubeService{key(ns, "deployment"): {ReadyPods: []string{"d-a"}}},
		wantDelta: []types.NamespacedName{key(ns, "deployment")},
	}, {
		name: "a pod turns ready",
		write: func(w *world) {
			w.put(appPod(ns, "d-b", "app1", true, true))
		},
		want:      map[types.NamespacedName]KubeService{key(ns, "deployment"): {ReadyPods: []string{"d-a", "d-b"}}},
		wantDelta: []types.NamespacedName{key(ns, "deployment")},
	}, {
		name: "a pod of another Service changes nothing",
		write: func(w *world) {
			w.put(appPod(ns, "x-b", "app2", true, false))
		},
		want: map[types.NamespacedName]KubeService{key(ns, "deployment"): {ReadyPods: []string{"d-a", "d-b"}}},
	}, {
		name: "a terminating pod leaves, a new Service picks existing pods, ExternalName and selector-less Services are not routed",
		write: func(w *world) {
			w.del(appPod(ns, "d-b", "", false, false))
			w.put(kubeService(ns, "web", map[string]string{"tier": "web"}, ""))
			w.put(kubeService(ns, "ext", map[string]string{"app": "app1"}, corev1.ServiceTypeExternalName))
			w.put(kubeService(ns, "manual", nil, ""))
		},
		want: map[types.NamespacedName]KubeService{
			key(ns, "deployment"): {ReadyPods: []string{"d-a"}},
			key(ns, "web"):        {ReadyPods: []string{"d-a", "x-a", "x-b"}},
		},
		wantDelta: []types.NamespacedName{key(ns, "deployment"), key(ns, "ext"), key(ns, "manual"), key(ns, "web")},
	}, {
		name: "a Service's selector changes, and another is deleted",
		write: func(w *world) {
			w.put(kubeService(ns, "deployment", map[string]string{"app": "app2"}, ""))
			w.del(kubeService(ns, "web", nil, ""))
		},
		want:      map[types.NamespacedName]KubeService{key(ns, "deployment"): {ReadyPods: []string{"x-a", "x-b"}}},
		wantDelta: []types.NamespacedName{key(ns, "deployment"), key(ns, "web")},
	}, {
		name: "the last Service goes",
		write: func(w *world) {
			w.del(kubeService(ns, "deployment", nil, ""))
		},
		wantDelta: []types.NamespacedName{key(ns, "deployment")},
	}}
	ctx := context.Background()
	w := newWorld(t)
	tr, snap, err := NewTracker(ctx, w.c)
	if err != nil {
		t.Fatal(err)
	}
	w.take()
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			st.write(w)
			ch := w.take()
			got, d, err := tr.Update(ctx, w.c, ch)
			if err != nil {
				t.Fatal(err)
			}
			if got != snap {
				t.Errorf("Update returned another Serving")
			}
			if diff := cmp.Diff(st.want, got.KubeServices); diff != "" {
				t.Errorf("KubeServices (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(st.wantDelta, d.KubeServices); diff != "" {
				t.Errorf("delta (-want +got):\n%s", diff)
			}
			read, err := ReadServing(ctx, w.c)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(read.KubeServices, got.KubeServices); diff != "" {
				t.Errorf("tracker and ReadServing differ (-ReadServing +tracker):\n%s", diff)
			}
			_, full, err := NewTracker(ctx, w.c)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(read.KubeServices, full.KubeServices); diff != "" {
				t.Errorf("a new tracker and ReadServing differ (-ReadServing +new tracker):\n%s", diff)
			}
		})
	}
}
