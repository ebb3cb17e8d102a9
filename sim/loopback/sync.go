package loopback

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/knsim/knsim/sim/dataplane"
	"github.com/knsim/knsim/system/activator"
	servingv1 "github.com/knsim/knsim/system/apis/serving/v1"
	"github.com/knsim/knsim/system/queue"
)

// syncOnce reads the control plane and syncs to it.
func (p *Plane) syncOnce(ctx context.Context) error {
	start := p.cfg.Clock.Now()
	snap, err := dataplane.Read(ctx, p.cfg.Client)
	if err != nil {
		return err
	}
	if err := p.Sync(ctx, snap); err != nil {
		return err
	}
	p.readMu.Lock()
	defer p.readMu.Unlock()
	if start.After(p.lastRead) {
		p.lastRead = start
	}
	return nil
}

// readForMiss is the gateway's hook for a host no Route serves: unless a
// read of the control plane began after the request arrived, it reads now,
// so a Route that was Ready when the request was sent is served rather
// than answered 404 for up to a SyncPeriod. Misses arriving together share
// one read.
func (p *Plane) readForMiss(r *http.Request) bool {
	arrived := p.cfg.Clock.Now()
	p.missMu.Lock()
	defer p.missMu.Unlock()
	p.readMu.Lock()
	fresh := !p.lastRead.Before(arrived)
	p.readMu.Unlock()
	if fresh {
		return true
	}
	if err := p.syncOnce(r.Context()); err != nil {
		if r.Context().Err() == nil && p.cfg.OnError != nil {
			p.cfg.OnError(err)
		}
		return false
	}
	return true
}

// Sync brings the plane in line with a snapshot of the control plane:
// new revisions are registered with the activator, new ready pods get a
// queue-proxy listener, pods that left start draining, the gateway gets
// the Routes. Start calls it every SyncPeriod when the plane has a Client;
// without one the caller does.
func (p *Plane) Sync(ctx context.Context, snap *dataplane.Snapshot) error {
	p.syncMu.Lock()
	defer p.syncMu.Unlock()
	if p.closed {
		return errClosed
	}
	keys := make([]types.NamespacedName, 0, len(snap.Revisions))
	for k := range snap.Revisions {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, compareKeys)
	var errs []error
	for _, k := range keys {
		if err := p.syncRevision(ctx, k, snap.Revisions[k]); err != nil {
			errs = append(errs, err)
		}
	}
	p.syncRoutes(snap.Routes)
	// Revisions go after the Routes that pointed at them.
	for k := range p.revs { // only Sync writes p.revs, under syncMu
		if _, ok := snap.Revisions[k]; !ok {
			p.removeRevision(k)
		}
	}
	return errors.Join(errs...)
}

// syncRoutes upserts new and changed Routes into the gateway and deletes
// the ones that are gone.
func (p *Plane) syncRoutes(routes []*servingv1.Route) {
	seen := make(map[types.NamespacedName]bool, len(routes))
	for _, rt := range routes {
		k := types.NamespacedName{Namespace: rt.Namespace, Name: rt.Name}
		seen[k] = true
		if v, ok := p.routes[k]; ok && v == rt.ResourceVersion && v != "" {
			continue
		}
		p.gateway.Upsert(rt)
		p.routes[k] = rt.ResourceVersion
	}
	for k := range p.routes {
		if !seen[k] {
			p.gateway.Delete(k.Namespace, k.Name)
			delete(p.routes, k)
		}
	}
}

// syncRevision registers a revision and brings its pods in line.
func (p *Plane) syncRevision(ctx context.Context, key types.NamespacedName, info dataplane.RevisionInfo) error {
	rev := p.revs[key]
	if rev == nil || rev.timeout != info.Timeout {
		err := p.activator.SetRevision(key, activator.RevisionConfig{
			ContainerConcurrency: info.ContainerConcurrency,
			Timeout:              info.Timeout,
			Rand:                 p.stream("activator/" + key.String()),
		})
		if err != nil {
			return err
		}
	}
	if rev == nil {
		rev = &revision{
			key: key, cc: info.ContainerConcurrency, service: info.Service,
			target: p.target(ctx, key), work: p.cfg.workload(key.Namespace, info.Service),
			actStats: queue.NewStats(p.cfg.Clock.Now()),
		}
		p.mu.Lock()
		p.revs[key] = rev
		p.mu.Unlock()
	}
	rev.timeout = info.Timeout // read only by Sync

	if slices.Equal(rev.podNames(), info.ReadyPods) {
		if rev.proxy != info.Proxy {
			p.mu.Lock()
			rev.proxy = info.Proxy
			p.mu.Unlock()
		}
		return nil
	}
	have := make(map[string]*pod, len(rev.ready))
	for _, pd := range rev.ready {
		have[pd.name] = pd
	}
	var errs []error
	ready := make([]*pod, 0, len(info.ReadyPods))
	for _, name := range info.ReadyPods {
		if pd := have[name]; pd != nil {
			ready = append(ready, pd)
			delete(have, name)
			continue
		}
		c := NewContainer(p.cfg.Clock, rev.work, rev.target, p.stream("workload/"+key.Namespace+"/"+name))
		pd, err := startPod(p.cfg.Clock, name, rev.cc, info.Timeout, c)
		if err != nil {
			errs = append(errs, fmt.Errorf("starting pod %s/%s: %w", key.Namespace, name, err))
			continue
		}
		ready = append(ready, pd)
	}
	addrs := make([]string, len(ready))
	for i, pd := range ready {
		addrs[i] = pd.addr
	}
	p.mu.Lock()
	rev.ready, rev.proxy = ready, info.Proxy
	for _, pd := range have {
		p.draining[pd] = key
	}
	p.mu.Unlock()
	if err := p.activator.UpdatePods(key, addrs); err != nil {
		errs = append(errs, err)
	}
	for _, pd := range have {
		p.drain(pd)
	}
	return errors.Join(errs...)
}

// removeRevision forgets a revision that left the control plane; its pods
// drain.
func (p *Plane) removeRevision(key types.NamespacedName) {
	p.activator.RemoveRevision(key)
	p.mu.Lock()
	rev := p.revs[key]
	delete(p.revs, key)
	for _, pd := range rev.ready {
		p.draining[pd] = key
	}
	p.mu.Unlock()
	for _, pd := range rev.ready {
		p.drain(pd)
	}
}

// drain lets a pod finish in the background and forgets it.
func (p *Plane) drain(pd *pod) {
	p.wg.Go(func() {
		pd.drain(p.cfg.Clock, p.stop)
		p.mu.Lock()
		delete(p.draining, pd)
		p.mu.Unlock()
	})
}

// target is the TARGET environment variable of the revision's first
// container that sets it, as helloworld-go greets; "" when unknown.
func (p *Plane) target(ctx context.Context, key types.NamespacedName) string {
	if p.cfg.Client == nil {
		return ""
	}
	var rev servingv1.Revision
	if err := p.cfg.Client.Get(ctx, key, &rev); err != nil {
		return ""
	}
	return envTarget(rev.Spec.Containers)
}

func envTarget(cs []corev1.Container) string {
	for _, c := range cs {
		for _, e := range c.Env {
			if e.Name == "TARGET" {
				return e.Value
			}
		}
	}
	return ""
}

func compareKeys(a, b types.NamespacedName) int {
	if a.Namespace != b.Namespace {
		if a.Namespace < b.Namespace {
			return -1
		}
		return 1
	}
	switch {
	case a.Name < b.Name:
		return -1
	case a.Name > b.Name:
		return 1
	}
	return 0
}
