package topology

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	networkingv1alpha1 "github.com/knsim/knsim/system/apis/networking/v1alpha1"
	servingv1 "github.com/knsim/knsim/system/apis/serving/v1"
)

// Changes names the objects written since a Tracker last looked, by kind.
// Services are plain Kubernetes Services (KubeService).
type Changes struct {
	Routes, Revisions, ServerlessServices, Pods []types.NamespacedName
	Services                                    []types.NamespacedName
}

// Empty reports whether nothing the data plane sees changed.
func (c Changes) Empty() bool {
	return len(c.Routes)+len(c.Revisions)+len(c.ServerlessServices)+len(c.Pods)+len(c.Services) == 0
}

// Delta is what one Tracker update changed in the snapshot.
type Delta struct {
	// Routes is true when any Route changed (Serving.Routes is new).
	Routes bool
	// Revisions are the revisions whose RevisionInfo may have changed (or
	// that are gone from Serving.Revisions), sorted by CompareKeys.
	Revisions []types.NamespacedName
	// KubeServices are the plain Services whose KubeService may have
	// changed (or that are gone from Serving.KubeServices), sorted.
	KubeServices []types.NamespacedName
}

// Tracker keeps a Serving snapshot up to date from the objects that
// changed, so a fleet's data plane follows its control plane at the cost
// of what changed rather than of the whole fleet. Update gives the same
// snapshot ReadServing would read at that moment.
type Tracker struct {
	snap   Serving
	routes map[types.NamespacedName]*servingv1.Route
	revs   map[types.NamespacedName]*servingv1.Revision
	proxy  map[types.NamespacedName]bool
	// podRev is the revision of each ready pod, ready its ready pods.
	podRev map[types.NamespacedName]types.NamespacedName
	ready  map[types.NamespacedName]map[string]bool
	// kube follows the plain Kubernetes Services (kube.go).
	kube *kubeTracker
}

// NewTracker reads the whole snapshot once.
func NewTracker(ctx context.Context, c client.Reader) (*Tracker, *Serving, error) {
	t := &Tracker{
		snap:   Serving{Revisions: map[types.NamespacedName]RevisionInfo{}},
		routes: map[types.NamespacedName]*servingv1.Route{},
		revs:   map[types.NamespacedName]*servingv1.Revision{},
		proxy:  map[types.NamespacedName]bool{},
		podRev: map[types.NamespacedName]types.NamespacedName{},
		ready:  map[types.NamespacedName]map[string]bool{},
		kube:   newKubeTracker(),
	}
	var routes servingv1.RouteList
	var revs servingv1.RevisionList
	var sks networkingv1alpha1.ServerlessServiceList
	var pods corev1.PodList
	var svcs corev1.ServiceList
	for _, l := range []client.ObjectList{&routes, &revs, &sks, &pods, &svcs} {
		if err := c.List(ctx, l); err != nil {
			return nil, nil, fmt.Errorf("reading data-plane state: %w", err)
		}
	}
	var ch Changes
	for i := range routes.Items {
		ch.Routes = append(ch.Routes, keyOf(&routes.Items[i]))
		t.routes[keyOf(&routes.Items[i])] = &routes.Items[i]
	}
	for i := range revs.Items {
		ch.Revisions = append(ch.Revisions, keyOf(&revs.Items[i]))
		t.revs[keyOf(&revs.Items[i])] = &revs.Items[i]
	}
	for i := range sks.Items {
		t.setProxy(keyOf(&sks.Items[i]), &sks.Items[i])
	}
	for i := range pods.Items {
		t.setPod(keyOf(&pods.Items[i]), &pods.Items[i])
		t.kube.setPod(keyOf(&pods.Items[i]), &pods.Items[i])
	}
	for i := range svcs.Items {
		k := keyOf(&svcs.Items[i])
		t.kube.setService(k, &svcs.Items[i])
		t.kube.refresh(&t.snap, k)
	}
	t.rebuildRoutes()
	for _, k := range ch.Revisions {
		t.refresh(k)
	}
	return t, &t.snap, nil
}

func keyOf(o client.Object) types.NamespacedName {
	return types.NamespacedName{Namespace: o.GetNamespace(), Name: o.GetName()}
}

// Update reads the changed objects and returns the snapshot (the same
// Serving, updated in place) and what changed in it.
func (t *Tracker) Update(ctx context.Context, c client.Reader, ch Changes) (*Serving, Delta, error) {
	var d Delta
	dirty := map[types.NamespacedName]bool{}
	kdirty := map[types.NamespacedName]bool{} // plain Services
	for _, k := range ch.Routes {
		rt := &servingv1.Route{}
		if err := getOrGone(ctx, c, k, rt); err != nil {
			return nil, d, err
		}
		if rt.Name == "" {
			delete(t.routes, k)
		} else {
			t.routes[k] = rt
		}
		d.Routes = true
	}
	for _, k := range ch.Revisions {
		rev := &servingv1.Revision{}
		if err := getOrGone(ctx, c, k, rev); err != nil {
			return nil, d, err
		}
		if rev.Name == "" {
			delete(t.revs, k)
		} else {
			t.revs[k] = rev
		}
		dirty[k] = true
	}
	for _, k := range ch.ServerlessServices {
		sks := &networkingv1alpha1.ServerlessService{}
		if err := getOrGone(ctx, c, k, sks); err != nil {
			return nil, d, err
		}
		t.setProxy(k, sks)
		dirty[k] = true
	}
	for _, k := range ch.Pods {
		pod := &corev1.Pod{}
		if err := getOrGone(ctx, c, k, pod); err != nil {
			return nil, d, err
		}
		old, had := t.podRev[k]
		if had {
			dirty[old] = true
		}
		if rev, ok := t.setPod(k, pod); ok {
			dirty[rev] = true
		}
		for _, s := range t.kube.setPod(k, pod) {
			kdirty[s] = true
		}
	}
	for _, k := range ch.Services {
		svc := &corev1.Service{}
		if err := getOrGone(ctx, c, k, svc); err != nil {
			return nil, d, err
		}
		t.kube.setService(k, svc)
		kdirty[k] = true
	}
	if d.Routes {
		t.rebuildRoutes()
	}
	d.Revisions = slices.SortedFunc(maps.Keys(dirty), CompareKeys)
	for _, k := range d.Revisions {
		t.refresh(k)
	}
	if len(kdirty) > 0 {
		d.KubeServices = slices.SortedFunc(maps.Keys(kdirty), CompareKeys)
		for _, k := range d.KubeServices {
			t.kube.refresh(&t.snap, k)
		}
	}
	return &t.snap, d, nil
}

// getOrGone reads obj, leaving it empty (no name) when it is gone.
func getOrGone(ctx context.Context, c client.Reader, k types.NamespacedName, obj client.Object) error {
	if err := c.Get(ctx, k, obj); err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("reading data-plane state: %w", err)
	}
	return nil
}

// setProxy notes whether a ServerlessService (empty when gone) puts the
// activator in the path.
func (t *Tracker) setProxy(k types.NamespacedName, sks *networkingv1alpha1.ServerlessService) {
	if sks.Name == "" {
		delete(t.proxy, k)
		return
	}
	t.proxy[k] = sks.Spec.Mode == networkingv1alpha1.SKSModeProxy
}

// setPod notes a pod (empty when gone): ready pods count for their
// revision, which it returns.
func (t *Tracker) setPod(k types.NamespacedName, p *corev1.Pod) (types.NamespacedName, bool) {
	if old, had := t.podRev[k]; had {
		delete(t.ready[old], k.Name)
		delete(t.podRev, k)
	}
	rev := p.Labels[servingv1.RevisionLabelKey]
	if p.Name == "" || rev == "" || p.DeletionTimestamp != nil || !podReady(p) {
		return types.NamespacedName{}, false
	}
	rk := types.NamespacedName{Namespace: p.Namespace, Name: rev}
	if t.ready[rk] == nil {
		t.ready[rk] = map[string]bool{}
	}
	t.ready[rk][k.Name] = true
	t.podRev[k] = rk
	return rk, true
}

// rebuildRoutes lists the Routes in the order a List returns them.
func (t *Tracker) rebuildRoutes() {
	keys := slices.SortedFunc(maps.Keys(t.routes), CompareKeys)
	t.snap.Routes = make([]*servingv1.Route, 0, len(keys))
	for _, k := range keys {
		t.snap.Routes = append(t.snap.Routes, t.routes[k])
	}
}

// refresh recomputes one revision's RevisionInfo.
func (t *Tracker) refresh(k types.NamespacedName) {
	r, ok := t.revs[k]
	if !ok {
		delete(t.snap.Revisions, k)
		return
	}
	var names []string
	if len(t.ready[k]) > 0 {
		names = slices.Sorted(maps.Keys(t.ready[k]))
	}
	t.snap.Revisions[k] = revisionInfo(r, t.proxy[k], names)
}

// revisionInfo is what the data plane needs of revision r.
func revisionInfo(r *servingv1.Revision, proxy bool, ready []string) RevisionInfo {
	return RevisionInfo{
		Service:              r.Labels[servingv1.ServiceLabelKey],
		ContainerConcurrency: int(ptr.Deref(r.Spec.ContainerConcurrency, 0)),
		Timeout:              time.Duration(ptr.Deref(r.Spec.TimeoutSeconds, servingv1.DefaultTimeoutSeconds)) * time.Second,
		Proxy:                proxy,
		ReadyPods:            ready,
	}
}
