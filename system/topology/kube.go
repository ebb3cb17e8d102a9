package topology

import (
	"context"
	"fmt"
	"maps"
	"slices"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// KubeService is a plain Kubernetes Service as kube-proxy sees it: the
// Ready pods its selector picks. Requests to it go straight to one of them,
// with no gateway, activator or queue-proxy on the way.
type KubeService struct {
	// ReadyPods are the names of the Ready, not terminating pods of the
	// Service's namespace whose labels match its selector, sorted.
	ReadyPods []string
}

// kubeSelector returns the selector of a Service that kube-proxy routes to
// pods: one with a selector and not of type ExternalName. Services without
// a selector have hand-written endpoints, which knsim does not model.
func kubeSelector(s *corev1.Service) (labels.Selector, bool) {
	if s.Name == "" || len(s.Spec.Selector) == 0 || s.Spec.Type == corev1.ServiceTypeExternalName {
		return nil, false
	}
	return labels.SelectorFromSet(s.Spec.Selector), true
}

// readKubeServices lists the Services and the pods they select; nil when
// no Service selects pods.
func readKubeServices(ctx context.Context, c client.Reader, pods []corev1.Pod) (map[types.NamespacedName]KubeService, error) {
	var svcs corev1.ServiceList
	if err := c.List(ctx, &svcs, client.UnsafeDisableDeepCopy); err != nil {
		return nil, fmt.Errorf("reading data-plane state: %w", err)
	}
	var out map[types.NamespacedName]KubeService
	for i := range svcs.Items {
		s := &svcs.Items[i]
		sel, ok := kubeSelector(s)
		if !ok {
			continue
		}
		var names []string
		for j := range pods {
			p := &pods[j]
			if p.Namespace == s.Namespace && p.DeletionTimestamp == nil && podReady(p) && sel.Matches(labels.Set(p.Labels)) {
				names = append(names, p.Name)
			}
		}
		slices.Sort(names)
		if out == nil {
			out = map[types.NamespacedName]KubeService{}
		}
		out[keyOf(s)] = KubeService{ReadyPods: names}
	}
	return out, nil
}

// kubeTracker keeps the KubeServices of a Tracker's snapshot up to date
// from the Services and pods that changed.
type kubeTracker struct {
	selectors map[types.NamespacedName]labels.Selector
	// ready holds each Service's selected Ready pods; podLabels the labels
	// of every Ready, not terminating pod, to match Services written later.
	ready     map[types.NamespacedName]map[string]bool
	podLabels map[types.NamespacedName]labels.Set
}

func newKubeTracker() *kubeTracker {
	return &kubeTracker{
		selectors: map[types.NamespacedName]labels.Selector{},
		ready:     map[types.NamespacedName]map[string]bool{},
		podLabels: map[types.NamespacedName]labels.Set{},
	}
}

// setPod notes a pod (empty when gone) and returns the Services whose
// selected pods it may have changed.
func (kt *kubeTracker) setPod(k types.NamespacedName, p *corev1.Pod) []types.NamespacedName {
	delete(kt.podLabels, k)
	if p.Name != "" && p.DeletionTimestamp == nil && podReady(p) {
		kt.podLabels[k] = labels.Set(maps.Clone(p.Labels))
	}
	var dirty []types.NamespacedName
	for sk, sel := range kt.selectors {
		if sk.Namespace != k.Namespace {
			continue
		}
		l, ready := kt.podLabels[k]
		in := ready && sel.Matches(l)
		if in == kt.ready[sk][k.Name] {
			continue
		}
		if in {
			kt.ready[sk][k.Name] = true
		} else {
			delete(kt.ready[sk], k.Name)
		}
		dirty = append(dirty, sk)
	}
	return dirty
}

// setService notes a Service (empty when gone) and matches it against the
// known pods.
func (kt *kubeTracker) setService(k types.NamespacedName, s *corev1.Service) {
	delete(kt.selectors, k)
	delete(kt.ready, k)
	sel, ok := kubeSelector(s)
	if !ok {
		return
	}
	kt.selectors[k] = sel
	kt.ready[k] = map[string]bool{}
	for pk, l := range kt.podLabels {
		if pk.Namespace == k.Namespace && sel.Matches(l) {
			kt.ready[k][pk.Name] = true
		}
	}
}

// refresh recomputes one Service's entry in snap.
func (kt *kubeTracker) refresh(snap *Serving, k types.NamespacedName) {
	ready, ok := kt.ready[k]
	if !ok {
		delete(snap.KubeServices, k)
		if len(snap.KubeServices) == 0 {
			snap.KubeServices = nil // as ReadServing leaves it
		}
		return
	}
	var names []string
	if len(ready) > 0 {
		names = slices.Sorted(maps.Keys(ready))
	}
	if snap.KubeServices == nil {
		snap.KubeServices = map[types.NamespacedName]KubeService{}
	}
	snap.KubeServices[k] = KubeService{ReadyPods: names}
}
