package cluster

import (
	"context"
	"strconv"
	"sync"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// Fresh pod lists without consistent reads.
//
// Every reconcile lists its Deployment's pods from the apiserver, not from
// the informer cache, so that it sees its own earlier writes. A list with no
// resourceVersion is a consistent read: the apiserver serves it from its
// watch cache only after the cache has caught up with etcd's latest
// revision. When that revision was a write to another kind (a Deployment's
// status, a lease), no pod event brings the pod cache up to it and the list
// waits for etcd's next progress notification, up to 100 ms. Those waits
// were most of the wall time of a virtual hour on envtest.
//
// What the emulation needs is weaker: every pod write it made itself, and
// every pod event its informers have delivered. So the manager-run emulation
// lists with resourceVersionMatch=NotOlderThan the highest pod
// resourceVersion its own writes returned, which the pod cache reaches as
// soon as it has handled that write's own event. A delete returns no
// version, so a pod the emulation deleted is remembered by UID (a tombstone)
// and left out of lists until the informer reports the deletion; anything an
// informer reported, the apiserver's cache had handled before, so lists
// reflect it too.
type podFreshness struct {
	mu   sync.Mutex
	rv   uint64
	gone map[types.UID]bool
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
// (the manager-run emulation) NotOlderThan its writes and without the pods
// it deleted; otherwise with a plain list.
func (r *deploymentReconciler) listPods(ctx context.Context, list *corev1.PodList, opts ...client.ListOption) error {
	f := r.freshness
	if f == nil {
		return r.reader.List(ctx, list, opts...)
	}
	if err := r.reader.List(ctx, list, append(opts, f.listOptions()...)...); err != nil {
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
