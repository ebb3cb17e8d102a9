package pingsource

import (
	"context"
	"fmt"

	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/knsim/knsim/system/apis/duck"
	sourcesv1 "github.com/knsim/knsim/system/apis/sources/v1"
	"github.com/knsim/knsim/system/reconciler"
	"github.com/knsim/knsim/system/reconciler/pingsource/resources"
	"github.com/knsim/knsim/system/resolver"
	"github.com/knsim/knsim/system/source"
)

// PingSource condition types, as in Knative.
const (
	ConditionSinkProvided duck.ConditionType = "SinkProvided"
	ConditionDeployed     duck.ConditionType = "Deployed"
)

var pingConditions = duck.NewLivingConditionSet(ConditionSinkProvided, ConditionDeployed)

// Reconciler resolves a PingSource's sink and fires it on schedule.
type Reconciler struct {
	client.Client
	reconciler.Options
	// Tracker, when set, learns what each source's sink refers to.
	Tracker *resolver.Tracker
	// Emitter receives the events; nil means the one the reconcile context
	// carries (see source.EmitterFrom).
	Emitter source.Emitter
}

// Reconcile implements reconcile.Reconciler.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	return reconciler.Driver[*sourcesv1.PingSource]{
		Kind:          "pingsource",
		New:           func() *sourcesv1.PingSource { return &sourcesv1.PingSource{} },
		Status:        func(s *sourcesv1.PingSource) any { return &s.Status },
		OnGone:        r.Tracker.Forget,
		ReconcileKind: r.reconcileKind,
	}.Reconcile(ctx, r.Client, req)
}

// reconcileKind resolves the sink and emits the ping that is due.
func (r *Reconciler) reconcileKind(ctx context.Context, s *sourcesv1.PingSource) (ctrl.Result, error) {
	now := r.Clock.Now()
	conds := pingConditions.Manage(&s.Status.Status)
	conds.InitializeConditions(now)
	s.Status.CloudEventAttributes = resources.CloudEventAttributes(s)

	r.Tracker.Track(client.ObjectKeyFromObject(s), resolver.Deps(s.Namespace, &s.Spec.Sink)...)
	uri, err := resolver.New(r.Client).URIFromDestination(ctx, s.Spec.Sink, s.Namespace)
	if err != nil {
		s.Status.SinkURI = ""
		conds.MarkFalse(ConditionSinkProvided, "NotFound", err.Error(), now)
	} else {
		s.Status.SinkURI = uri
		conds.MarkTrue(ConditionSinkProvided, now)
	}
	sched, err := sourcesv1.ParseSchedule(s.Spec.Schedule, s.Spec.Timezone)
	if err != nil {
		conds.MarkFalse(ConditionDeployed, "InvalidSchedule", err.Error(), now)
	} else {
		conds.MarkTrue(ConditionDeployed, now)
	}
	s.Status.ObservedGeneration = s.Generation
	if !conds.IsTrue(duck.ConditionReady) {
		// Nothing fires without a sink; the schedule starts once there is one.
		return ctrl.Result{}, nil
	}

	ann := s.Status.Annotations
	if ann == nil {
		ann = map[string]string{}
	}
	if resources.ParseTime(ann[resources.ScheduledFromAnnotation]).IsZero() {
		ann[resources.ScheduledFromAnnotation] = resources.FormatTime(now)
	}
	s.Status.Annotations = ann
	from := resources.Later(resources.ParseTime(ann[resources.ScheduledFromAnnotation]), resources.ParseTime(ann[resources.LastFireAnnotation]))
	due, ok, next := resources.Due(sched, from, now)
	if ok {
		ev, err := resources.MakeEvent(s, due)
		if err != nil {
			return ctrl.Result{}, err
		}
		emitter := r.Emitter
		if emitter == nil {
			emitter = source.EmitterFrom(ctx)
		}
		if err := emitter.Emit(ctx, s.Status.SinkURI, ev); err != nil {
			return ctrl.Result{}, fmt.Errorf("emitting ping of pingsource %s at %s: %w", s.Name, resources.FormatTime(due), err)
		}
		ann[resources.LastFireAnnotation] = resources.FormatTime(due)
	}
	if next.IsZero() {
		return ctrl.Result{}, nil
	}
	return ctrl.Result{RequeueAfter: next.Sub(now)}, nil
}
