package runner

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/knsim/knsim/sim/cluster"
	"github.com/knsim/knsim/sim/fault"
	"github.com/knsim/knsim/sim/scenario"
	servingv1 "github.com/knsim/knsim/system/apis/serving/v1"
)

// act carries out one timed action.
func (r *run) act(ctx context.Context, now time.Time, a scenario.Action) error {
	switch {
	case a.Apply != nil:
		if err := ensureNamespaces(ctx, r.b, a.Apply.Objects); err != nil {
			return err
		}
		r.rec.ready.applied() // new Services start their way to Ready (readiness.go)
		return r.b.Apply(ctx, "default", a.Apply.Objects...)
	case a.PatchTraffic != nil:
		return r.patchTraffic(ctx, a.PatchTraffic)
	case a.DeletePod != nil:
		return r.deletePods(ctx, a.DeletePod)
	case a.CordonNode != nil:
		node := &corev1.Node{}
		if err := r.b.Client().Get(ctx, client.ObjectKey{Name: a.CordonNode.Node}, node); err != nil {
			return err
		}
		node.Spec.Unschedulable = true
		return r.b.Client().Update(ctx, node)
	case a.KillNode != nil:
		return r.b.Cluster().KillNode(ctx, a.KillNode.Node)
	case a.FailWorkload != nil:
		f := a.FailWorkload
		ns, name := scenario.SplitService(f.Service)
		rate := f.ErrorRate
		if rate == 0 {
			rate = 1
		}
		r.dp.SetFault(ns+"/"+name, fault.Fault{Until: until(now, f.For.D()), ErrorRate: rate, Status: f.Status})
		return nil
	case a.SlowWorkload != nil:
		s := a.SlowWorkload
		ns, name := scenario.SplitService(s.Service)
		r.dp.SetFault(ns+"/"+name, fault.Fault{Until: until(now, s.For.D()), SlowFactor: s.Factor})
		return nil
	case a.RestartControlPlane != nil:
		return r.restartControlPlane(now, a.RestartControlPlane) // controlplane.go
	}
	return fmt.Errorf("action %q is not supported", a.Kind())
}

// until is the end of a window starting now; no length means for ever.
func until(now time.Time, d time.Duration) time.Time {
	if d <= 0 {
		return now.Add(100 * 365 * 24 * time.Hour)
	}
	return now.Add(d)
}

func (r *run) patchTraffic(ctx context.Context, p *scenario.PatchTraffic) error {
	ns, name := scenario.SplitService(p.Service)
	svc := &servingv1.Service{}
	if err := r.b.Client().Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, svc); err != nil {
		return err
	}
	svc.Spec.Traffic = p.Traffic
	return r.b.Client().Update(ctx, svc)
}

// deletePods deletes a named pod, or the oldest count pods of a Service,
// as `kubectl delete pod` would; the Deployment replaces them.
func (r *run) deletePods(ctx context.Context, d *scenario.DeletePod) error {
	var pods corev1.PodList
	if d.Pod != "" {
		ns, name := scenario.SplitService(d.Pod)
		pod := &corev1.Pod{}
		if err := r.b.Client().Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, pod); err != nil {
			return err
		}
		pods.Items = []corev1.Pod{*pod}
	} else {
		ns, name := scenario.SplitService(d.Service)
		if err := r.b.Client().List(ctx, &pods, client.InNamespace(ns), client.MatchingLabels{servingv1.ServiceLabelKey: name}); err != nil {
			return err
		}
		slices.SortFunc(pods.Items, olderFirst)
		n := max(d.Count, 1)
		if len(pods.Items) > n {
			pods.Items = pods.Items[:n]
		}
		if len(pods.Items) == 0 {
			return fmt.Errorf("service %s has no pods to delete", d.Service)
		}
	}
	for i := range pods.Items {
		if err := r.b.Client().Delete(ctx, &pods.Items[i]); client.IgnoreNotFound(err) != nil {
			return err
		}
	}
	return nil
}

// olderFirst orders pods by creation: the emulation's created-at time (the
// virtual instant; creationTimestamp keeps only seconds), then the
// creationTimestamp, then the name.
func olderFirst(a, b corev1.Pod) int {
	created := func(p corev1.Pod) time.Time {
		if t, err := time.Parse(time.RFC3339Nano, p.Annotations[cluster.CreatedAtAnnotation]); err == nil {
			return t
		}
		return p.CreationTimestamp.Time
	}
	if c := created(a).Compare(created(b)); c != 0 {
		return c
	}
	return strings.Compare(a.Name, b.Name)
}
