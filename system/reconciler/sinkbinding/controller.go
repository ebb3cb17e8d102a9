package sinkbinding

import (
	"context"

	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	sourcesv1 "github.com/knsim/knsim/system/apis/sources/v1"
	"github.com/knsim/knsim/system/reconciler"
	"github.com/knsim/knsim/system/resolver"
)

// Name is the controller's name.
const Name = "sinkbinding"

// SetupWithManager registers the SinkBinding controller. It requeues a
// binding when a Deployment it selects changes, and when its sink does.
func SetupWithManager(mgr ctrl.Manager, opts reconciler.Options) error {
	if err := opts.Validate(); err != nil {
		return err
	}
	c := mgr.GetClient()
	r := &Reconciler{Client: c, Options: opts, Tracker: resolver.NewTracker()}
	b := opts.NewController(mgr, Name, &sourcesv1.SinkBinding{}).
		Watches(opts.Watch(Name, &appsv1.Deployment{}, handler.EnqueueRequestsFromMapFunc(
			func(ctx context.Context, o client.Object) []reconcile.Request {
				return bindingsOf(ctx, c, appsv1.SchemeGroupVersion.String(), "Deployment", o)
			})))
	ws, err := r.Tracker.Watches(mgr.GetScheme(), resolver.AddressableKinds()...)
	if err != nil {
		return err
	}
	for _, w := range ws {
		b = b.Watches(opts.Watch(Name, w.Object, w.Handler))
	}
	return b.Complete(r)
}

// bindingsOf lists the SinkBindings in o's namespace whose subject is o.
func bindingsOf(ctx context.Context, c client.Reader, apiVersion, kind string, o client.Object) []reconcile.Request {
	var list sourcesv1.SinkBindingList
	if err := c.List(ctx, &list, client.InNamespace(o.GetNamespace())); err != nil {
		log.FromContext(ctx).Error(err, "listing sinkbindings to requeue")
		return nil
	}
	var reqs []reconcile.Request
	for i := range list.Items {
		if Selects(&list.Items[i].Spec.Subject, list.Items[i].Namespace, apiVersion, kind, o) {
			reqs = append(reqs, reconcile.Request{NamespacedName: client.ObjectKeyFromObject(&list.Items[i])})
		}
	}
	return reqs
}

// Selects reports whether subject (of a binding in namespace) names o, an
// object of apiVersion and kind.
func Selects(subject *sourcesv1.Reference, namespace, apiVersion, kind string, o metav1.Object) bool {
	ns := subject.Namespace
	if ns == "" {
		ns = namespace
	}
	if subject.APIVersion != apiVersion || subject.Kind != kind || ns != o.GetNamespace() {
		return false
	}
	if subject.Name != "" {
		return subject.Name == o.GetName()
	}
	if subject.Selector == nil {
		return false
	}
	sel, err := metav1.LabelSelectorAsSelector(subject.Selector)
	return err == nil && sel.Matches(labels.Set(o.GetLabels()))
}
