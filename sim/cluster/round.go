package cluster

import (
	"context"
	"errors"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/clock"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
)

// Scheduling rounds: placement that does not depend on reconcile order.
//
// On envtest the informers decide in which order the Deployments that scale
// up at one virtual instant are reconciled, and that order used to decide
// which of them got the emptiest nodes, the first pull of an image and the
// first addresses. A real cluster's scheduler takes pods off a queue sorted
// by priority and creation time instead. The manager-run emulation does the
// same in virtual time: a scale-up only plans its pods (names from
// ordinals); a round, run by the quiescence barrier once the control plane
// is idle and before virtual time or any other event of the instant moves
// on (barrier.OnQuiescent), places every plan of the instant in
// (Deployment, ordinal) order; then the planning Deployments are reconciled
// again and create their pods already bound. Pod events keep their instant,
// and a pod still costs one create and its status writes. Without a
// barrier (the wall clock), a round is a timer due at once. Pods that did
// not fit when created are retried by rounds too (retry.go).
//
// The memory control plane reconciles its Deployments in sorted order to a
// fixpoint, which is order-independent already, so Reconciler places at
// once (rounds are off).

// plan is one Deployment's pods waiting for, or placed by, a round.
type plan struct {
	hash    string        // template hash the pods were made from
	pods    []*corev1.Pod // in ordinal order
	placed  []placement   // set by the round, one per pod
	decided bool
}

// placement is a round's decision for one planned pod.
type placement struct {
	b       binding
	unsched *unschedulableError
	err     error
}

// rounds holds the plans between a scale-up and its round.
type rounds struct {
	cluster *Cluster
	clk     clock.WithDelayedExecution // schedules rounds; nil when a barrier runs them
	mu      sync.Mutex
	plans   map[types.NamespacedName]*plan
	waiters map[types.NamespacedName]*waiter // Deployments with unscheduled pods (see retry.go)
	due     bool                             // a round is scheduled
	// retryDue makes the next round retry the waiting pods.
	retryDue bool
	queue    queue // the emulation controller's workqueue, once started
}

// startRounds turns rounds on for the manager-run emulation: run by the
// barrier when there is one, else on clk.
func (c *Cluster) startRounds(barrier quiescer, clk clock.WithDelayedExecution) {
	rs := &rounds{cluster: c, plans: map[types.NamespacedName]*plan{}, waiters: map[types.NamespacedName]*waiter{}}
	if barrier != nil {
		barrier.OnQuiescent(rs.fireDue)
	} else {
		rs.clk = clk
	}
	c.rounds = rs
}

// quiescer is what rounds need of a quiescence barrier (sim/barrier).
type quiescer interface {
	OnQuiescent(func() bool)
}

// takeQueue is the workqueue source of the emulation's controller: it keeps
// the queue, so that a round can enqueue the Deployments it placed pods for.
func (c *Cluster) takeQueue(_ context.Context, q queue) error {
	c.rounds.mu.Lock()
	c.rounds.queue = q
	c.rounds.mu.Unlock()
	return nil
}

// planned returns owner's plan, dropping it when it was made from another
// template.
func (rs *rounds) planned(c *Cluster, owner types.NamespacedName, hash string) *plan {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	pl := rs.plans[owner]
	if pl != nil && pl.hash != hash {
		rs.dropLocked(c, owner)
		return nil
	}
	return pl
}

// propose records owner's pods for the next round and schedules it.
func (rs *rounds) propose(owner types.NamespacedName, hash string, pods []*corev1.Pod) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	rs.plans[owner] = &plan{hash: hash, pods: pods}
	rs.scheduleLocked()
}

// scheduleLocked makes a round due, unless one is.
func (rs *rounds) scheduleLocked() {
	if !rs.due {
		rs.due = true
		if rs.clk != nil {
			rs.clk.AfterFunc(0, rs.fire)
		}
	}
}

// take removes owner's decided plan; the pods beyond n are not wanted any
// more and give their capacity back.
func (rs *rounds) take(c *Cluster, owner types.NamespacedName, n int) ([]*corev1.Pod, []placement) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	pl := rs.plans[owner]
	delete(rs.plans, owner)
	n = min(n, len(pl.pods))
	for _, pod := range pl.pods[n:] {
		c.release(keyOf(pod))
	}
	return pl.pods[:n], pl.placed[:n]
}

// drop forgets owner's plan, giving back the capacity it was placed on.
func (rs *rounds) drop(c *Cluster, owner types.NamespacedName) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	rs.dropLocked(c, owner)
}

func (rs *rounds) dropLocked(c *Cluster, owner types.NamespacedName) {
	if pl := rs.plans[owner]; pl != nil && pl.decided {
		for _, pod := range pl.pods {
			c.release(keyOf(pod))
		}
	}
	delete(rs.plans, owner)
}

// held returns the planned pods of owner a round has placed, whose
// capacity the ledger must keep although they do not exist yet.
func (rs *rounds) held(owner types.NamespacedName) map[types.NamespacedName]bool {
	if rs == nil {
		return nil
	}
	rs.mu.Lock()
	defer rs.mu.Unlock()
	keys := map[types.NamespacedName]bool{}
	if pl := rs.plans[owner]; pl != nil && pl.decided {
		for _, pod := range pl.pods {
			keys[keyOf(pod)] = true
		}
	}
	if w := rs.waiters[owner]; w != nil {
		for name, pl := range w.decided {
			if pl.unsched == nil && pl.err == nil {
				keys[types.NamespacedName{Namespace: owner.Namespace, Name: name}] = true
			}
		}
	}
	return keys
}

// fireDue runs a round when one is due, reporting whether it did (the
// barrier's hook).
func (rs *rounds) fireDue() bool {
	rs.mu.Lock()
	due := rs.due
	rs.mu.Unlock()
	if due {
		rs.fire()
	}
	return due
}

// fire is the round: when a retry is due it first tries the waiting pods,
// which were created before any plan's; then it places every undecided
// plan, Deployments in name order and each one's pods in ordinal order.
// Last it enqueues the Deployments it decided for.
func (rs *rounds) fire() {
	now := rs.cluster.cfg.Clock.Now()
	rs.mu.Lock()
	rs.due = false
	var retried []types.NamespacedName
	if rs.retryDue {
		rs.retryDue = false
		retried = rs.retryWaitersLocked(now)
	}
	owners := sortedOwners(rs.plans, func(pl *plan) bool { return !pl.decided })
	c := rs.cluster
	for _, o := range owners {
		pl := rs.plans[o]
		pl.placed = make([]placement, len(pl.pods))
		for i, pod := range pl.pods {
			pl.placed[i] = c.place(o, pod, now)
		}
		pl.decided = true
	}
	owners = append(owners, retried...)
	rs.markTriedLocked(owners)
	owners = sortedOwners(setOf(owners), func(bool) bool { return true })
	q := rs.queue
	rs.mu.Unlock()
	if q != nil {
		for _, o := range owners {
			q.Add(reconcile.Request{NamespacedName: o})
		}
	}
}

// place decides where pod runs, as scaleUp did at once before rounds: a
// template naming its node skips the scheduler.
func (c *Cluster) place(owner types.NamespacedName, pod *corev1.Pod, now time.Time) placement {
	var pl placement
	if pod.Spec.NodeName != "" {
		c.adoptPlan(keyOf(pod), pod.Spec.NodeName, &pod.Spec, now).annotate(pod, now)
		pl.b.podIP = c.podIPFor(pod.Spec.NodeName)
		return pl
	}
	b, err := c.reserve(keyOf(pod), owner, &pod.Spec, now)
	switch {
	case errors.As(err, &pl.unsched):
	case err != nil:
		pl.err = err
	default:
		pl.b = b
		pod.Spec.NodeName = b.node
		b.plan.annotate(pod, now)
	}
	return pl
}

func setOf(keys []types.NamespacedName) map[types.NamespacedName]bool {
	m := make(map[types.NamespacedName]bool, len(keys))
	for _, k := range keys {
		m[k] = true
	}
	return m
}
