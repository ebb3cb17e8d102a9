package metrics

import (
	"context"
	"errors"
	"slices"

	"github.com/prometheus/client_golang/prometheus"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/knsim/knsim/system/apis/autoscaling"
	servingv1 "github.com/knsim/knsim/system/apis/serving/v1"
	"github.com/knsim/knsim/system/autoscaler/multiscaler"
	"github.com/knsim/knsim/system/topology"
)

// Deciders is what the Autoscaler collector reads of the autoscaler: the
// Multiscaler implements it.
type Deciders interface {
	Revisions() []types.NamespacedName
	Observe(key types.NamespacedName) (multiscaler.Observation, bool)
}

// Autoscaler is a prometheus.Collector of Knative's autoscaler_* gauges,
// read when scraped: the deciders' state (desired pods, excess burst
// capacity, stable and panic values, target, panic mode) and the pods
// and Deployments of every revision in the control plane (requested,
// actual, not ready, pending and terminating pods), as Knative's KPA
// reconciler counts them.
type Autoscaler struct {
	deciders Deciders
	client   client.Reader
	descs    map[string]*prometheus.Desc
}

// autoscalerFamilies are the families Autoscaler collects.
var autoscalerFamilies = []Family{
	DesiredPods, RequestedPods, ActualPods, NotReadyPods, PendingPods, TerminatingPods, ExcessBurstCapacity,
	StableRequestConcurrency, PanicRequestConcurrency, TargetConcurrencyPerPod, StableRPS, PanicRPS, TargetRPS, PanicMode,
}

// NewAutoscaler returns a collector reading d and, when c is not nil, the
// pods and Deployments c lists.
func NewAutoscaler(d Deciders, c client.Reader) (*Autoscaler, error) {
	if d == nil {
		return nil, errors.New("metrics: NewAutoscaler needs the deciders (a Multiscaler)")
	}
	a := &Autoscaler{deciders: d, client: c, descs: map[string]*prometheus.Desc{}}
	for _, f := range autoscalerFamilies {
		a.descs[f.Name] = prometheus.NewDesc(f.Name, f.Help, f.Labels, nil)
	}
	return a, nil
}

// Describe implements prometheus.Collector.
func (a *Autoscaler) Describe(ch chan<- *prometheus.Desc) {
	for _, f := range autoscalerFamilies {
		ch <- a.descs[f.Name]
	}
}

// podCounts are a revision's pods as the KPA reconciler counts them.
type podCounts struct {
	requested, ready, notReady, pending, terminating int
}

// Collect implements prometheus.Collector.
func (a *Autoscaler) Collect(ch chan<- prometheus.Metric) {
	names := map[types.NamespacedName]Revision{}
	counts := map[types.NamespacedName]*podCounts{}
	if a.client != nil {
		if err := a.readPods(names, counts); err != nil {
			for _, f := range autoscalerFamilies {
				ch <- prometheus.NewInvalidMetric(a.descs[f.Name], err)
			}
			return
		}
	}
	deciders := a.deciders.Revisions()
	revs := slices.Clone(deciders)
	for k := range counts {
		if _, ok := slices.BinarySearchFunc(deciders, k, topology.CompareKeys); !ok {
			revs = append(revs, k)
		}
	}
	slices.SortFunc(revs, topology.CompareKeys)
	gauge := func(f Family, labels []string, v float64) {
		ch <- prometheus.MustNewConstMetric(a.descs[f.Name], prometheus.GaugeValue, v, labels...)
	}
	for _, k := range revs {
		name, ok := names[k]
		if !ok {
			name = Revision{Namespace: k.Namespace, Name: k.Name}
		}
		v := name.Values()
		if c := counts[k]; c != nil {
			gauge(RequestedPods, v, float64(c.requested))
			gauge(ActualPods, v, float64(c.ready))
			gauge(NotReadyPods, v, float64(c.notReady))
			gauge(PendingPods, v, float64(c.pending))
			gauge(TerminatingPods, v, float64(c.terminating))
		}
		o, ok := a.deciders.Observe(k)
		if !ok {
			continue
		}
		gauge(DesiredPods, v, float64(o.Status.DesiredScale))
		gauge(ExcessBurstCapacity, v, float64(o.Status.ExcessBurstCapacity))
		if !o.Last.Valid {
			continue // the HPA and policy classes have no KPA windows
		}
		stable, panic, target := StableRequestConcurrency, PanicRequestConcurrency, TargetConcurrencyPerPod
		if o.Spec.Metric == autoscaling.RPS {
			stable, panic, target = StableRPS, PanicRPS, TargetRPS
		}
		gauge(stable, v, o.Last.ObservedStable)
		gauge(panic, v, o.Last.ObservedPanic)
		gauge(target, v, o.Spec.TargetValue)
		mode := 0.0
		if o.Last.PanicMode {
			mode = 1
		}
		gauge(PanicMode, v, mode)
	}
}

// readPods counts every revision's pods and its Deployments' replicas,
// and takes the revisions' labels from them.
func (a *Autoscaler) readPods(names map[types.NamespacedName]Revision, counts map[types.NamespacedName]*podCounts) error {
	ctx := context.Background()
	var deps appsv1.DeploymentList
	if err := a.client.List(ctx, &deps, client.HasLabels{servingv1.RevisionLabelKey}); err != nil {
		return err
	}
	var pods corev1.PodList
	if err := a.client.List(ctx, &pods, client.HasLabels{servingv1.RevisionLabelKey}); err != nil {
		return err
	}
	of := func(ns string, labels map[string]string) *podCounts {
		k := types.NamespacedName{Namespace: ns, Name: labels[servingv1.RevisionLabelKey]}
		if _, ok := names[k]; !ok {
			names[k] = Revision{Namespace: ns, Service: labels[servingv1.ServiceLabelKey],
				Configuration: labels[servingv1.ConfigurationLabelKey], Name: k.Name}
		}
		c := counts[k]
		if c == nil {
			c = &podCounts{}
			counts[k] = c
		}
		return c
	}
	for i := range deps.Items {
		d := &deps.Items[i]
		c := of(d.Namespace, d.Labels)
		if d.Spec.Replicas != nil {
			c.requested += int(*d.Spec.Replicas)
		}
	}
	for i := range pods.Items {
		p := &pods.Items[i]
		c := of(p.Namespace, p.Labels)
		switch {
		case p.DeletionTimestamp != nil:
			c.terminating++
		case podReady(p):
			c.ready++
		default:
			c.notReady++
			if p.Status.Phase == corev1.PodPending || p.Status.Phase == "" {
				c.pending++
			}
		}
	}
	return nil
}

func podReady(p *corev1.Pod) bool {
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}
