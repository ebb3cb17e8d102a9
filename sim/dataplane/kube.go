package dataplane

import (
	"math/rand/v2"
	"net"
	"net/http"
	"slices"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/types"

	"github.com/knsim/knsim/system/container"
	"github.com/knsim/knsim/system/telemetry"
	"github.com/knsim/knsim/system/topology"
)

// PathKubeProxy is the path of a request to a plain Kubernetes Service:
// kube-proxy's rules send it from the client straight to a pod's container.
const PathKubeProxy telemetry.Path = "kube-proxy>pod"

// kubeService is the data plane's state for one plain Kubernetes Service
// (a Deployment behind a Service, no Knative): its Ready pods, each a bare
// user container with no queue-proxy in front.
type kubeService struct {
	key       types.NamespacedName
	readyPods []string
	pods      map[string]*pod
	work      container.Workload
	// rand draws the workload's service times, shared by the pods; pick
	// chooses a pod for each request.
	rand, pick *rand.Rand
}

// syncKube brings the plain Services in line with the snapshot. There are
// few, so all are compared at every sync: the full reads of the control
// plane do not name them in their delta.
func (p *Plane) syncKube(now time.Time, snap *topology.Serving) {
	// A Service gone is a name cluster DNS no longer resolves; the
	// requests its pods hold still finish.
	p.kubeOrder = slices.DeleteFunc(p.kubeOrder, func(k types.NamespacedName) bool {
		if _, ok := snap.KubeServices[k]; ok {
			return false
		}
		delete(p.kube, k)
		return true
	})
	for k, info := range snap.KubeServices {
		ks := p.kube[k]
		if ks == nil {
			ks = p.newKubeService(k)
			p.kube[k] = ks
			i, _ := slices.BinarySearchFunc(p.kubeOrder, k, topology.CompareKeys)
			p.kubeOrder = slices.Insert(p.kubeOrder, i, k)
		}
		if !slices.Equal(ks.readyPods, info.ReadyPods) {
			ks.setPods(now, info.ReadyPods)
		}
	}
}

func (p *Plane) newKubeService(k types.NamespacedName) *kubeService {
	ks := &kubeService{
		key: k, pods: map[string]*pod{},
		rand: p.eng.Rand("workload/kube/" + k.String()),
		pick: p.eng.Rand("dataplane/kube-proxy/" + k.String()),
		work: p.cfg.DefaultWorkload,
	}
	if w, ok := p.cfg.Workloads[k.String()]; ok {
		if w.ServiceTime == nil {
			w.ServiceTime = p.cfg.DefaultWorkload.ServiceTime
		}
		ks.work = w
	}
	return ks
}

// setPods updates the Ready pods: new ones start serving, removed ones
// finish what they hold.
func (ks *kubeService) setPods(now time.Time, ready []string) {
	ks.readyPods = slices.Clone(ready)
	isReady := map[string]bool{}
	for _, name := range ready {
		isReady[name] = true
		if ks.pods[name] == nil {
			ks.pods[name] = newPod(now, name, 0, ks.work, ks.rand)
		}
	}
	for name, pd := range ks.pods {
		pd.ready = isReady[name]
		if !pd.ready && pd.held == 0 {
			delete(ks.pods, name)
		}
	}
}

// kubeServiceFor returns the plain Service a cluster-DNS host names:
// {name}.{namespace}.svc.cluster.local, {name}.{namespace}.svc or
// {name}.{namespace}, ignoring case, the port and a trailing dot.
func (p *Plane) kubeServiceFor(host string) *kubeService {
	if len(p.kube) == 0 {
		return nil
	}
	h := strings.ToLower(strings.TrimSpace(host))
	if hp, _, err := net.SplitHostPort(h); err == nil {
		h = hp
	}
	h = strings.TrimSuffix(h, ".")
	h = strings.TrimSuffix(strings.TrimSuffix(h, ".cluster.local"), ".svc")
	name, ns, ok := strings.Cut(h, ".")
	if !ok || strings.Contains(ns, ".") {
		return nil
	}
	return p.kube[types.NamespacedName{Namespace: ns, Name: name}]
}

// sendKube sends req through kube-proxy: one hop to a Ready pod picked at
// random (the iptables mode's even spread), straight into its container,
// and one hop back. With no Ready pod the connection is refused (503).
func (p *Plane) sendKube(now time.Time, req *request, ks *kubeService) {
	req.path = PathKubeProxy
	req.kube = ks
	if len(ks.readyPods) == 0 {
		p.respond(now, req, http.StatusServiceUnavailable, 1)
		return
	}
	pd := ks.pods[ks.readyPods[ks.pick.IntN(len(ks.readyPods))]]
	req.pod = pd
	pd.hold()
	p.eng.Schedule(now.Add(p.cfg.Hop), func(at time.Time) {
		d, started := pd.app.Admit(at, req.id)
		if !started {
			pd.appWaiting[req.id] = req
			return
		}
		p.runKube(at, ks, pd, req, d)
	})
}

// runKube has the container work on req for d, stretched or failed by the
// Service's fault.
func (p *Plane) runKube(now time.Time, ks *kubeService, pd *pod, req *request, d time.Duration) {
	req.appStart = now
	status := http.StatusOK
	if f, ok := p.fault(ks.key.String(), now); ok {
		d = f.Slow(d)
		if f.Fails(p.faultRand.Float64) {
			status = f.StatusCode()
		}
	}
	p.eng.Schedule(now.Add(d), func(at time.Time) {
		id, next, ok := pd.app.Finish(at)
		req.appEnd = at
		if ok {
			w := pd.appWaiting[id]
			delete(pd.appWaiting, id)
			p.runKube(at, ks, pd, w, next)
		}
		pd.release(at)
		p.respond(at, req, status, 1)
		if !pd.ready && pd.held == 0 {
			delete(ks.pods, pd.name)
		}
	})
}
