package servingshell

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/knsim/knsim/system/activator"
	servingv1 "github.com/knsim/knsim/system/apis/serving/v1"
	"github.com/knsim/knsim/system/config/features"
	"github.com/knsim/knsim/system/queue"
	"github.com/knsim/knsim/system/topology"
)

// syncOnce reads the control plane and syncs to it.
func (sh *Shell) syncOnce(ctx context.Context) error {
	start := sh.cfg.Clock.Now()
	snap, err := topology.ReadServing(ctx, sh.cfg.Client)
	if err != nil {
		return err
	}
	if err := sh.Sync(ctx, snap); err != nil {
		return err
	}
	flags, err := features.ReadServing(ctx, sh.cfg.Client)
	if err != nil {
		return err
	}
	sh.gateway.RouteByTagHeader(flags.TagHeaderBasedRouting.On())
	sh.readMu.Lock()
	defer sh.readMu.Unlock()
	if start.After(sh.lastRead) {
		sh.lastRead = start
	}
	return nil
}

// readForMiss is the gateway's hook for a host no Route serves: unless a
// read of the control plane began after the request arrived, it reads now,
// so a Route that was Ready when the request was sent is served rather
// than answered 404 for up to a SyncPeriod. Misses arriving together share
// one read.
func (sh *Shell) readForMiss(r *http.Request) bool {
	arrived := sh.cfg.Clock.Now()
	sh.missMu.Lock()
	defer sh.missMu.Unlock()
	sh.readMu.Lock()
	fresh := !sh.lastRead.Before(arrived)
	sh.readMu.Unlock()
	if fresh {
		return true
	}
	if err := sh.syncOnce(r.Context()); err != nil {
		if r.Context().Err() == nil && sh.cfg.OnError != nil {
			sh.cfg.OnError(err)
		}
		return false
	}
	return true
}

// Sync brings the shell in line with a snapshot of the control plane:
// new revisions are registered with the activator, new ready pods get a
// queue-proxy listener, pods that left start draining, the gateway gets
// the Routes. Start calls it every SyncPeriod when the shell has a Client;
// without one the caller does.
func (sh *Shell) Sync(ctx context.Context, snap *topology.Serving) error {
	sh.syncMu.Lock()
	defer sh.syncMu.Unlock()
	if sh.closed {
		return errClosed
	}
	keys := make([]types.NamespacedName, 0, len(snap.Revisions))
	for k := range snap.Revisions {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, topology.CompareKeys)
	var errs []error
	for _, k := range keys {
		if err := sh.syncRevision(ctx, k, snap.Revisions[k]); err != nil {
			errs = append(errs, err)
		}
	}
	sh.syncRoutes(snap.Routes)
	// Revisions go after the Routes that pointed at them.
	for k := range sh.revs { // only Sync writes sh.revs, under syncMu
		if _, ok := snap.Revisions[k]; !ok {
			sh.removeRevision(k)
		}
	}
	return errors.Join(errs...)
}

// syncRoutes upserts new and changed Routes into the gateway and deletes
// the ones that are gone.
func (sh *Shell) syncRoutes(routes []*servingv1.Route) {
	seen := make(map[types.NamespacedName]bool, len(routes))
	for _, rt := range routes {
		k := types.NamespacedName{Namespace: rt.Namespace, Name: rt.Name}
		seen[k] = true
		if v, ok := sh.routes[k]; ok && v == rt.ResourceVersion && v != "" {
			continue
		}
		sh.gateway.Upsert(rt)
		sh.routes[k] = rt.ResourceVersion
	}
	for k := range sh.routes {
		if !seen[k] {
			sh.gateway.Delete(k.Namespace, k.Name)
			delete(sh.routes, k)
		}
	}
}

// syncRevision registers a revision and brings its pods in line.
func (sh *Shell) syncRevision(ctx context.Context, key types.NamespacedName, info topology.RevisionInfo) error {
	rev := sh.revs[key]
	if rev == nil || rev.timeout != info.Timeout {
		err := sh.activator.SetRevision(key, activator.RevisionConfig{
			ContainerConcurrency: info.ContainerConcurrency,
			Timeout:              info.Timeout,
			Rand:                 sh.stream("activator/" + key.String()),
		})
		if err != nil {
			return err
		}
	}
	if rev == nil {
		rev = &revision{
			key: key, cc: info.ContainerConcurrency, service: info.Service,
			target: sh.target(ctx, key), work: sh.cfg.workload(key.Namespace, info.Service),
			actStats: queue.NewStats(sh.cfg.Clock.Now()),
		}
		sh.mu.Lock()
		sh.revs[key] = rev
		sh.mu.Unlock()
	}
	rev.timeout = info.Timeout // read only by Sync

	if slices.Equal(rev.podNames(), info.ReadyPods) {
		if rev.proxy != info.Proxy {
			sh.mu.Lock()
			rev.proxy = info.Proxy
			sh.mu.Unlock()
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
		c, err := NewContainer(sh.cfg.Clock, rev.work, rev.target, sh.stream("workload/"+key.Namespace+"/"+name))
		var pd *pod
		if err == nil {
			pd, err = startPod(sh.cfg.Clock, sh.cfg.Listen, name, rev.cc, info.Timeout, c)
		}
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
	sh.mu.Lock()
	rev.ready, rev.proxy = ready, info.Proxy
	for _, pd := range have {
		sh.draining[pd] = key
	}
	sh.mu.Unlock()
	if err := sh.activator.UpdatePods(key, addrs); err != nil {
		errs = append(errs, err)
	}
	for _, pd := range have {
		sh.drain(pd)
	}
	return errors.Join(errs...)
}

// removeRevision forgets a revision that left the control plane; its pods
// drain.
func (sh *Shell) removeRevision(key types.NamespacedName) {
	sh.activator.RemoveRevision(key)
	sh.mu.Lock()
	rev := sh.revs[key]
	delete(sh.revs, key)
	for _, pd := range rev.ready {
		sh.draining[pd] = key
	}
	sh.mu.Unlock()
	for _, pd := range rev.ready {
		sh.drain(pd)
	}
}

// drain lets a pod finish in the background and forgets it.
func (sh *Shell) drain(pd *pod) {
	sh.wg.Go(func() {
		pd.drain(sh.cfg.Clock, sh.stop)
		sh.mu.Lock()
		delete(sh.draining, pd)
		sh.mu.Unlock()
	})
}

// target is the TARGET environment variable of the revision's first
// container that sets it, as helloworld-go greets; "" when unknown.
func (sh *Shell) target(ctx context.Context, key types.NamespacedName) string {
	if sh.cfg.Client == nil {
		return ""
	}
	var rev servingv1.Revision
	if err := sh.cfg.Client.Get(ctx, key, &rev); err != nil {
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
