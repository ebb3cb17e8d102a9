package cluster

import (
	"sync"

	corev1 "k8s.io/api/core/v1"
)

// WriteConcurrency bounds how many pods' API writes one reconcile of the
// manager-run emulation (SetupWithManager) has in flight. A scale-up of
// thousands of pods used to write them one request at a time, so it ran at
// the speed of one apiserver round trip (and etcd commit); concurrent writes
// are committed together, which roughly doubles pods per second on envtest.
// Reconciler (the memory control plane) stays sequential.
const WriteConcurrency = 16

// emit reports a pod event: at once, or, for a pass run by forEachPod,
// once every pod of the batch is written, in pod order.
func (p *pass) emit(e PodEvent) {
	if p.buffered {
		p.events = append(p.events, e)
		return
	}
	p.c.emit(e)
}

// forEachPod runs fn for every pod, up to the reconciler's concurrency at a
// time (one after the other when it is 1 or less). fn must only write: every
// decision whose outcome depends on order (ordinals, scheduling, addresses,
// image pulls) is taken before, in pod order, so concurrency changes no
// decision. Each call gets a pass of its own; their wake-ups and pod events
// are merged into p in pod order after all calls return, so the timeline
// does not depend on which write finished first. It returns the first
// error in pod order; the pods written meanwhile are reported all the same.
func (p *pass) forEachPod(pods []*corev1.Pod, fn func(q *pass, pod *corev1.Pod) error) error {
	if p.r.concurrency <= 1 || len(pods) <= 1 {
		for _, pod := range pods {
			if err := fn(p, pod); err != nil {
				return err
			}
		}
		return nil
	}
	subs := make([]pass, len(pods))
	errs := make([]error, len(pods))
	sem := make(chan struct{}, p.r.concurrency)
	var wg sync.WaitGroup
	for i, pod := range pods {
		subs[i] = pass{r: p.r, c: p.c, d: p.d, owner: p.owner, now: p.now, buffered: true}
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			errs[i] = fn(&subs[i], pod)
		}()
	}
	wg.Wait()
	for i := range subs {
		p.next = earliest(p.next, subs[i].next)
		for _, e := range subs[i].events {
			p.emit(e)
		}
	}
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
