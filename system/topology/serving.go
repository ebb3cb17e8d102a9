package topology

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	networkingv1alpha1 "github.com/knsim/knsim/system/apis/networking/v1alpha1"
	servingv1 "github.com/knsim/knsim/system/apis/serving/v1"
)

// RevisionInfo is what the data-plane shells need to know of a revision.
type RevisionInfo struct {
	Service              string
	ContainerConcurrency int
	Timeout              time.Duration
	// Proxy is true when the ServerlessService puts the activator in the path.
	Proxy bool
	// ReadyPods are the names of the revision's ready pods, sorted.
	ReadyPods []string
}

// Serving is the Serving control plane's state as the data-plane shells
// see it: the Routes and every revision, by namespace and name, and the
// plain Kubernetes Services that select pods (nil when there are none), for
// requests that go through kube-proxy rather than Knative.
type Serving struct {
	Routes       []*servingv1.Route
	Revisions    map[types.NamespacedName]RevisionInfo
	KubeServices map[types.NamespacedName]KubeService
}

// ReadServing takes a Serving snapshot from the control plane's store.
func ReadServing(ctx context.Context, c client.Reader) (*Serving, error) {
	var routes servingv1.RouteList
	var revs servingv1.RevisionList
	var sks networkingv1alpha1.ServerlessServiceList
	var pods corev1.PodList
	if err := c.List(ctx, &routes); err != nil {
		return nil, fmt.Errorf("reading data-plane state: %w", err)
	}
	// The snapshot keeps nothing of these but names and scalars, so a
	// cache may hand out its own objects (a fleet has many pods).
	for _, l := range []client.ObjectList{&revs, &sks, &pods} {
		if err := c.List(ctx, l, client.UnsafeDisableDeepCopy); err != nil {
			return nil, fmt.Errorf("reading data-plane state: %w", err)
		}
	}
	snap := &Serving{Revisions: map[types.NamespacedName]RevisionInfo{}}
	for i := range routes.Items {
		snap.Routes = append(snap.Routes, &routes.Items[i])
	}
	proxy := map[types.NamespacedName]bool{}
	for _, s := range sks.Items {
		proxy[types.NamespacedName{Namespace: s.Namespace, Name: s.Name}] = s.Spec.Mode == networkingv1alpha1.SKSModeProxy
	}
	ready := map[types.NamespacedName][]string{}
	for _, p := range pods.Items {
		rev := p.Labels[servingv1.RevisionLabelKey]
		if rev == "" || p.DeletionTimestamp != nil || !podReady(&p) {
			continue
		}
		k := types.NamespacedName{Namespace: p.Namespace, Name: rev}
		ready[k] = append(ready[k], p.Name)
	}
	for i := range revs.Items {
		r := &revs.Items[i]
		k := types.NamespacedName{Namespace: r.Namespace, Name: r.Name}
		names := ready[k]
		slices.Sort(names)
		snap.Revisions[k] = revisionInfo(r, proxy[k], names)
	}
	kube, err := readKubeServices(ctx, c, pods.Items)
	if err != nil {
		return nil, err
	}
	snap.KubeServices = kube
	return snap, nil
}

// Clone returns a copy of the snapshot that later tracker updates leave
// alone.
func (s *Serving) Clone() *Serving {
	return &Serving{Routes: slices.Clone(s.Routes), Revisions: maps.Clone(s.Revisions), KubeServices: maps.Clone(s.KubeServices)}
}

func podReady(p *corev1.Pod) bool {
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

// CompareKeys orders revision keys by namespace, then name: the order in
// which both Serving shells visit revisions, so that their random draws
// and reports follow one order.
func CompareKeys(a, b types.NamespacedName) int {
	return cmp.Or(strings.Compare(a.Namespace, b.Namespace), strings.Compare(a.Name, b.Name))
}
