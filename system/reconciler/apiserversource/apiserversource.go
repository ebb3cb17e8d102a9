package apiserversource

import (
	"context"
	"fmt"
	"sync"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/knsim/knsim/system/apis/duck"
	sourcesv1 "github.com/knsim/knsim/system/apis/sources/v1"
	"github.com/knsim/knsim/system/reconciler"
	"github.com/knsim/knsim/system/reconciler/apiserversource/resources"
	"github.com/knsim/knsim/system/resolver"
	"github.com/knsim/knsim/system/source"
)

// ApiServerSource condition types, as in Knative.
const (
	ConditionSinkProvided          duck.ConditionType = "SinkProvided"
	ConditionDeployed              duck.ConditionType = "Deployed"
	ConditionSufficientPermissions duck.ConditionType = "SufficientPermissions"
)

var apiServerConditions = duck.NewLivingConditionSet(ConditionSinkProvided, ConditionDeployed, ConditionSufficientPermissions)

// Reconciler resolves an ApiServerSource's sink and runs its watches.
type Reconciler struct {
	client.Client
	reconciler.Options
	// Tracker, when set, learns what each source's sink refers to.
	Tracker *resolver.Tracker
	// Emitter receives the events; nil means the one the reconcile context
	// carries (see source.EmitterFrom).
	Emitter source.Emitter
	// Informers supplies the shared informers; nil means sources are
	// reconciled but do not watch (Deployed stays Unknown).
	Informers Informers

	once    sync.Once
	running *watches
}

// Reconcile implements reconcile.Reconciler.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	r.once.Do(func() { r.running = newWatches(r.Informers) })
	return reconciler.Driver[*sourcesv1.ApiServerSource]{
		Kind:   "apiserversource",
		New:    func() *sourcesv1.ApiServerSource { return &sourcesv1.ApiServerSource{} },
		Status: func(s *sourcesv1.ApiServerSource) any { return &s.Status },
		OnGone: func(key client.ObjectKey) {
			r.Tracker.Forget(key)
			r.running.stop(ctx, key)
		},
		OnDeleting:    func(key client.ObjectKey) { r.running.stop(ctx, key) },
		ReconcileKind: r.reconcileKind,
	}.Reconcile(ctx, r.Client, req)
}

// reconcileKind resolves the sink and runs the source's watches.
func (r *Reconciler) reconcileKind(ctx context.Context, s *sourcesv1.ApiServerSource) (ctrl.Result, error) {
	key := client.ObjectKeyFromObject(s)
	now := r.Clock.Now()
	conds := apiServerConditions.Manage(&s.Status.Status)
	conds.InitializeConditions(now)
	s.Status.CloudEventAttributes = resources.CloudEventAttributes(s.Spec.EventMode)
	// knsim's control plane runs with the rights to watch anything.
	conds.MarkTrue(ConditionSufficientPermissions, now)

	r.Tracker.Track(key, resolver.Deps(s.Namespace, &s.Spec.Sink)...)
	uri, err := resolver.New(r.Client).URIFromDestination(ctx, s.Spec.Sink, s.Namespace)
	if err != nil {
		s.Status.SinkURI = ""
		conds.MarkFalse(ConditionSinkProvided, "NotFound", err.Error(), now)
		r.running.stop(ctx, key)
		return ctrl.Result{}, nil
	}
	s.Status.SinkURI = uri
	conds.MarkTrue(ConditionSinkProvided, now)

	switch inNS, err := r.namespaceFilter(ctx, s); {
	case err != nil:
		conds.MarkFalse(ConditionDeployed, "InvalidNamespaceSelector", err.Error(), now)
	case r.Informers == nil:
		conds.MarkUnknown(ConditionDeployed, "NoInformers", "This control plane cannot watch resources.", now)
	default:
		emitter := r.Emitter
		if emitter == nil {
			emitter = source.EmitterFrom(ctx)
		}
		if err := r.running.ensure(ctx, s, uri, emitter, inNS, r.Clock); err != nil {
			conds.MarkFalse(ConditionDeployed, "WatchFailed", err.Error(), now)
			log.FromContext(ctx).Error(err, "starting apiserversource watches", "source", key)
		} else {
			conds.MarkTrue(ConditionDeployed, now)
		}
	}
	s.Status.ObservedGeneration = s.Generation
	return ctrl.Result{}, nil
}

// namespaceFilter says which namespaces s watches: its own, or those its
// namespace selector matches (read from the cache when an event arrives).
// Cluster-scoped objects always pass.
func (r *Reconciler) namespaceFilter(ctx context.Context, s *sourcesv1.ApiServerSource) (func(string) bool, error) {
	if s.Spec.NamespaceSelector == nil {
		own := s.Namespace
		return func(ns string) bool { return ns == "" || ns == own }, nil
	}
	sel, err := metav1.LabelSelectorAsSelector(s.Spec.NamespaceSelector)
	if err != nil {
		return nil, fmt.Errorf("namespace selector: %w", err)
	}
	c := r.Client
	bg := context.WithoutCancel(ctx)
	return func(ns string) bool {
		if ns == "" {
			return true
		}
		n := &corev1.Namespace{}
		if err := c.Get(bg, client.ObjectKey{Name: ns}, n); err != nil {
			return false
		}
		return sel.Matches(labels.Set(n.Labels))
	}, nil
}
