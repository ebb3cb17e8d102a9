package cluster

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
)

// Retries through rounds: which waiting Deployment gets freed capacity.
//
// A pod that did not fit when created stays unscheduled until capacity
// frees. If each waiting Deployment's reconcile retried its own pods, the
// informers' and the workqueue's order would decide which of them got the
// capacity. With rounds on, a reconcile only records its unscheduled pods
// (wait); a change of capacity or of the nodes makes a retry due, and the
// next round tries the pods of every waiting Deployment in (Deployment,
// ordinal) order, as kube-scheduler's queue sorted by priority and creation
// time would, before it places the plans of the instant. It records its
// decisions and enqueues their owners, whose reconciles bind the pods the
// round placed (schedulePending). A pod is tried again only when the ledger
// or the nodes changed since it last failed to fit, since until then the
// answer is the same.

// waiter is one Deployment's unscheduled pods, as its last reconcile saw
// them, and the decisions of rounds not yet applied.
type waiter struct {
	pods    []*corev1.Pod        // copies, in ordinal order
	tried   map[string]uint64    // Cluster.changes when a pod last failed to fit
	decided map[string]placement // by pod name
}

func (rs *rounds) waiterLocked(owner types.NamespacedName) *waiter {
	w := rs.waiters[owner]
	if w == nil {
		w = &waiter{tried: map[string]uint64{}, decided: map[string]placement{}}
		rs.waiters[owner] = w
	}
	return w
}

// wait records owner's unscheduled pods at the end of a reconcile, gives
// back the capacity decided for pods no longer among them, and makes a
// retry due when one of them has not been tried since the last change.
func (rs *rounds) wait(c *Cluster, owner types.NamespacedName, pods []*corev1.Pod) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	w := rs.waiters[owner]
	if w == nil && len(pods) == 0 {
		return
	}
	w = rs.waiterLocked(owner)
	names := make(map[string]bool, len(pods))
	w.pods = w.pods[:0]
	for _, pod := range pods {
		names[pod.Name] = true
		w.pods = append(w.pods, pod.DeepCopy())
	}
	rs.pruneLocked(c, owner, w, names)
	if len(pods) == 0 {
		delete(rs.waiters, owner)
		return
	}
	changes := c.changeCount()
	for _, pod := range pods {
		if _, ok := w.decided[pod.Name]; !ok && w.tried[pod.Name] != changes {
			rs.retryLocked()
			return
		}
	}
}

// pruneLocked forgets what w holds for pods not in names, releasing the
// capacity decided for them.
func (rs *rounds) pruneLocked(c *Cluster, owner types.NamespacedName, w *waiter, names map[string]bool) {
	for name := range w.decided {
		if !names[name] {
			delete(w.decided, name)
			c.release(types.NamespacedName{Namespace: owner.Namespace, Name: name})
		}
	}
	for name := range w.tried {
		if !names[name] {
			delete(w.tried, name)
		}
	}
}

// forget drops a deleted pod from its Deployment's waiting pods, so that a
// round does not place it.
func (rs *rounds) forget(key types.NamespacedName) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	for owner, w := range rs.waiters {
		if owner.Namespace == key.Namespace {
			w.pods = slices.DeleteFunc(w.pods, func(pod *corev1.Pod) bool { return pod.Name == key.Name })
		}
	}
}

// retry makes a retry due when pods are waiting: capacity freed or the
// nodes changed.
func (rs *rounds) retry() {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	for _, w := range rs.waiters {
		if len(w.pods) > 0 {
			rs.retryLocked()
			return
		}
	}
}

func (rs *rounds) retryLocked() {
	rs.retryDue = true
	rs.scheduleLocked()
}

// retryWaitersLocked is a round's retry: it tries every waiting pod not
// decided yet, Deployments in name order and pods in ordinal order, and
// returns the Deployments it decided for.
func (rs *rounds) retryWaitersLocked(now time.Time) []types.NamespacedName {
	owners := sortedOwners(rs.waiters, func(w *waiter) bool { return len(w.pods) > 0 })
	c := rs.cluster
	var decided []types.NamespacedName
	for _, o := range owners {
		w, any := rs.waiters[o], false
		for _, pod := range w.pods {
			if _, ok := w.decided[pod.Name]; ok {
				continue
			}
			var pl placement
			b, err := c.reserve(keyOf(pod), o, &pod.Spec, now)
			switch {
			case errors.As(err, &pl.unsched):
			case err != nil:
				pl.err = err
			default:
				pl.b = b
			}
			w.decided[pod.Name], any = pl, true
		}
		if any {
			decided = append(decided, o)
		}
	}
	return decided
}

// markTriedLocked records that the pods a round found no node for were
// tried at the ledger's current state.
func (rs *rounds) markTriedLocked(owners []types.NamespacedName) {
	changes := rs.cluster.changeCount()
	for _, o := range owners {
		if w := rs.waiters[o]; w != nil {
			for name, pl := range w.decided {
				if pl.unsched != nil {
					w.tried[name] = changes
				}
			}
		}
		if pl := rs.plans[o]; pl != nil && pl.decided {
			for i, pod := range pl.pods {
				if pl.placed[i].unsched != nil {
					rs.waiterLocked(o).tried[pod.Name] = changes
				}
			}
		}
	}
}

// decisions takes the round's decisions for owner's unscheduled pods;
// decisions for pods no longer among them give their capacity back.
func (rs *rounds) decisions(c *Cluster, owner types.NamespacedName, pending []*corev1.Pod) map[string]placement {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	w := rs.waiters[owner]
	if w == nil {
		return nil
	}
	names := make(map[string]bool, len(pending))
	for _, pod := range pending {
		names[pod.Name] = true
	}
	rs.pruneLocked(c, owner, w, names)
	out := w.decided
	w.decided = map[string]placement{}
	return out
}

// applyRetries binds the unscheduled pods among active a round placed, and
// records the failures it found, in ordinal order.
func (p *pass) applyRetries(ctx context.Context, active []*corev1.Pod) error {
	var pending []*corev1.Pod
	for _, pod := range active {
		if pod.Spec.NodeName == "" {
			pending = append(pending, pod)
		}
	}
	decided := p.c.rounds.decisions(p.c, p.owner, pending)
	for _, pod := range pending {
		pl, ok := decided[pod.Name]
		switch {
		case !ok:
		case pl.err != nil:
			return pl.err
		case pl.unsched != nil:
			if err := p.markUnschedulable(ctx, pod, pl.unsched.message); err != nil {
				return err
			}
		default:
			if err := p.bind(ctx, pod, pl.b); err != nil {
				p.c.release(keyOf(pod))
				return ignoreGone(err, "binding pod %s to %s", pod.Name, pl.b.node)
			}
			if err := p.runKubelet(ctx, pod, pl.b.podIP); err != nil {
				return err
			}
		}
	}
	return nil
}

// sortedOwners returns the keys of m whose value keep accepts, in
// (namespace, name) order.
func sortedOwners[V any](m map[types.NamespacedName]V, keep func(V) bool) []types.NamespacedName {
	var owners []types.NamespacedName
	for o, v := range m {
		if keep(v) {
			owners = append(owners, o)
		}
	}
	slices.SortFunc(owners, func(a, b types.NamespacedName) int {
		return cmp.Or(cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Name, b.Name))
	})
	return owners
}
