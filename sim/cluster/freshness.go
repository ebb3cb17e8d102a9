package cluster

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"sync"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// Fresh pod lists without consistent reads, from the informer cache.
//
// A reconcile must see its own earlier pod writes, or a lagging cache makes
// it create or delete a pod twice. Reading pods from the apiserver would do
// (a list with no resourceVersion is a consistent read; one with
// resourceVersionMatch=NotOlderThan the emulation's latest write is as good
// and waits for no progress notification), but it is one request, and on
// envtest one round trip, per reconcile, a third of all requests when many
// Deployments start together.
//
// What the emulation needs is weaker: every pod write it made itself, and
// every pod event its informers have delivered. So the manager-run
// emulation lists with resourceVersionMatch=NotOlderThan the highest pod
// resourceVersion its own writes returned, which the apiserver's pod cache
// reaches as soon as it has handled that write's own event. A delete
// returns no version, so a pod the emulation deleted is remembered by UID
// (a tombstone) and left out of lists until the informer reports the
// deletion; anything an informer reported, the apiserver's cache had
// handled before, so lists reflect it too.
//
// In virtual time (under the quiescence barrier) the list needs no
// request. The pod informer delivers events in resourceVersion order, and
// a handler sees an event only after the informer's cache holds it, so
// once the emulation's pod handler has seen a version at least as high as
// the emulation's latest pod write (or read), that cache holds every pod
// write the emulation made; the emulation is the only writer of pods, and
// others' deletions (a scenario's deletePod, made while the control plane
// is idle) reach the informers before the reconciles they cause. The list
// then comes from the cache, sorted by namespace and name as the apiserver
// lists; in the rare pass that starts before the pod handler caught up
// (it runs a few microseconds behind the handler that caused the
// reconcile), from the apiserver as above.
type podFreshness struct {
	mu   sync.Mutex
	rv   uint64 // the latest pod version the emulation wrote or read
	seen uint64 // the latest pod version the pod handler has seen
	gone map[types.UID]bool
}

// observed notes the version of a pod event the emulation's pod handler
// handled: the cache holds it.
func (f *podFreshness) observed(obj client.Object) {
	rv, err := strconv.ParseUint(obj.GetResourceVersion(), 10, 64)
	if err != nil {
		return
	}
	f.mu.Lock()
	f.seen = max(f.seen, rv)
	f.mu.Unlock()
}

// caughtUp reports whether the cache holds every pod version the
// emulation wrote or read so far.
func (f *podFreshness) caughtUp() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.seen >= f.rv
}

// wrote notes the resourceVersion of a pod the emulation wrote or read.
func (f *podFreshness) wrote(obj client.Object) {
	if _, ok := obj.(*corev1.Pod); !ok {
		return
	}
	rv, err := strconv.ParseUint(obj.GetResourceVersion(), 10, 64)
	if err != nil {
		return
	}
	f.mu.Lock()
	f.rv = max(f.rv, rv)
	f.mu.Unlock()
}

// deleted remembers a pod the emulation deleted until the informer reports it.
func (f *podFreshness) deleted(obj client.Object) {
	if _, ok := obj.(*corev1.Pod); !ok || obj.GetUID() == "" {
		return
	}
	f.mu.Lock()
	if f.gone == nil {
		f.gone = map[types.UID]bool{}
	}
	f.gone[obj.GetUID()] = true
	f.mu.Unlock()
}

// observedDeletion forgets the tombstone of a pod whose deletion the
// informer reported: the apiserver's cache has handled it.
func (f *podFreshness) observedDeletion(obj client.Object) {
	f.mu.Lock()
	delete(f.gone, obj.GetUID())
	f.mu.Unlock()
}

// listOptions are the options of a fresh list: NotOlderThan the emulation's
// latest pod write (none before its first write).
func (f *podFreshness) listOptions() []client.ListOption {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.rv == 0 {
		return nil
	}
	return []client.ListOption{&client.ListOptions{Raw: &metav1.ListOptions{
		ResourceVersion:      strconv.FormatUint(f.rv, 10),
		ResourceVersionMatch: metav1.ResourceVersionMatchNotOlderThan,
	}}}
}

// isGone reports whether the emulation deleted the pod.
func (f *podFreshness) isGone(pod *corev1.Pod) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.gone[pod.UID]
}

// listPods lists pods as fresh as the reconciler needs: with freshness
// (the manager-run emulation) NotOlderThan its writes, from the cache when
// there is one and it holds them, and without the pods it deleted;
// otherwise with a plain list.
func (r *deploymentReconciler) listPods(ctx context.Context, list *corev1.PodList, opts ...client.ListOption) error {
	f := r.freshness
	if f == nil {
		return r.reader.List(ctx, list, opts...)
	}
	if r.cache != nil && f.caughtUp() {
		if err := r.cache.List(ctx, list, opts...); err != nil {
			return err
		}
		slices.SortFunc(list.Items, func(a, b corev1.Pod) int { return compareKeys(&a, &b) })
	} else if err := r.reader.List(ctx, list, append(opts, f.listOptions()...)...); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.gone) > 0 {
		kept := list.Items[:0]
		for _, p := range list.Items {
			if !f.gone[p.UID] {
				kept = append(kept, p)
			}
		}
		list.Items = kept
	}
	return nil
}

// compareKeys orders pods as the apiserver lists them: by the string
// namespace + "/" + name (its storage key), compared without building it.
func compareKeys(a, b *corev1.Pod) int {
	if a.Namespace == b.Namespace {
		return strings.Compare(a.Name, b.Name)
	}
	ka := [3]string{a.Namespace, "/", a.Name}
	kb := [3]string{b.Namespace, "/", b.Name}
	i, j := 0, 0 // part and offset in a's key
	k, l := 0, 0 // in b's key
	for {
		for i < 3 && j == len(ka[i]) {
			i, j = i+1, 0
		}
		for k < 3 && l == len(kb[k]) {
			k, l = k+1, 0
		}
		switch {
		case i == 3 && k == 3:
			return 0
		case i == 3:
			return -1
		case k == 3:
			return 1
		}
		if ca, cb := ka[i][j], kb[k][l]; ca != cb {
			if ca < cb {
				return -1
			}
			return 1
		}
		j, l = j+1, l+1
	}
}

// freshClient notes the resourceVersions of the pods written through it
// and the pods deleted (see podFreshness).
type freshClient struct {
	client.Client
	f *podFreshness
}

func (c freshClient) Create(ctx context.Context, obj client.Object, opts ...client.CreateOption) error {
	err := c.Client.Create(ctx, obj, opts...)
	if err == nil {
		c.f.wrote(obj)
	}
	return err
}

func (c freshClient) Update(ctx context.Context, obj client.Object, opts ...client.UpdateOption) error {
	err := c.Client.Update(ctx, obj, opts...)
	if err == nil {
		c.f.wrote(obj)
	}
	return err
}

func (c freshClient) Delete(ctx context.Context, obj client.Object, opts ...client.DeleteOption) error {
	err := c.Client.Delete(ctx, obj, opts...)
	if client.IgnoreNotFound(err) == nil {
		c.f.deleted(obj)
	}
	return err
}

func (c freshClient) Status() client.SubResourceWriter {
	return freshStatus{SubResourceWriter: c.Client.Status(), f: c.f}
}

type freshStatus struct {
	client.SubResourceWriter
	f *podFreshness
}

func (s freshStatus) Update(ctx context.Context, obj client.Object, opts ...client.SubResourceUpdateOption) error {
	err := s.SubResourceWriter.Update(ctx, obj, opts...)
	if err == nil {
		s.f.wrote(obj)
	}
	return err
}

// freshReader notes the resourceVersions of the pods read through it (bind
// reads its pod back after the binding).
type freshReader struct {
	client.Reader
	f *podFreshness
}

func (r freshReader) Get(ctx context.Context, key client.ObjectKey, obj client.Object, opts ...client.GetOption) error {
	err := r.Reader.Get(ctx, key, obj, opts...)
	if err == nil {
		r.f.wrote(obj)
	}
	return err
}
