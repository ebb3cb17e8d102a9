package webhook

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/knsim/knsim/system/apis/autoscaling"
	"github.com/knsim/knsim/system/apis/duck"
	eventingv1 "github.com/knsim/knsim/system/apis/eventing/v1"
	"github.com/knsim/knsim/system/apis/fielderr"
	messagingv1 "github.com/knsim/knsim/system/apis/messaging/v1"
	servingv1 "github.com/knsim/knsim/system/apis/serving/v1"
	asconfig "github.com/knsim/knsim/system/autoscaler/config"
	"github.com/knsim/knsim/system/config/features"
)

// Where the cluster settings admission depends on live, as in Knative.
const (
	// ServingNamespace holds config-autoscaler.
	ServingNamespace = "knative-serving"
	// EventingNamespace holds config-features.
	EventingNamespace = "knative-eventing"
	// FeaturesConfigName is Knative Eventing's feature-flag ConfigMap.
	FeaturesConfigName = "config-features"
	// CrossNamespaceEventLinksKey is the config-features flag that lets a
	// Trigger or Subscription reference objects in another namespace.
	// Knative's values are "enabled" and "disabled" (the default); knsim
	// reads "enabled" as on and anything else as off.
	CrossNamespaceEventLinksKey = "cross-namespace-event-links"
)

// Settings are the cluster settings some admission rules depend on. The
// zero value is Knative's default: zero initial scale and cross-namespace
// links refused, several containers accepted.
type Settings struct {
	// AllowZeroInitialScale is config-autoscaler's allow-zero-initial-scale
	// (knative-serving): without it, initial-scale "0" is refused.
	AllowZeroInitialScale bool
	// CrossNamespaceEventLinks is config-features' cross-namespace-event-links
	// (knative-eventing): without it, a Trigger or Subscription that names
	// a namespace other than its own is refused.
	CrossNamespaceEventLinks bool
	// MultiContainerOff is config-features' multi-container (knative-serving)
	// set to anything but enabled: a revision with several containers is
	// refused.
	MultiContainerOff bool
}

// settings hands out Settings' fields, reading each only when an object
// needs it: most objects need neither, and admission then costs no read.
type settings struct {
	ctx    context.Context
	reader client.Reader
}

// allowZeroInitialScale reads config-autoscaler. A missing ConfigMap, or
// one the autoscaler cannot parse, gives the default (false), as the
// PodAutoscaler reconciler falls back on it.
func (s settings) allowZeroInitialScale() (bool, error) {
	if s.reader == nil {
		return false, nil
	}
	data, err := s.configMap(ServingNamespace, asconfig.ConfigMapName)
	if err != nil || data == nil {
		return false, err
	}
	cfg, err := asconfig.NewConfigFromMap(data)
	if err != nil {
		return false, nil
	}
	return cfg.AllowZeroInitialScale, nil
}

// crossNamespaceEventLinks reads knative-eventing's config-features.
func (s settings) crossNamespaceEventLinks() (bool, error) {
	if s.reader == nil {
		return false, nil
	}
	f, err := features.ReadEventing(s.ctx, s.reader)
	return f.CrossNamespaceEventLinks.On(), err
}

// multiContainer reads knative-serving's config-features.
func (s settings) multiContainer() (bool, error) {
	if s.reader == nil {
		return features.ServingDefaults().MultiContainer.On(), nil
	}
	f, err := features.ReadServing(s.ctx, s.reader)
	return f.MultiContainer.On(), err
}

func (s settings) configMap(ns, name string) (map[string]string, error) {
	cm := &corev1.ConfigMap{}
	switch err := s.reader.Get(s.ctx, client.ObjectKey{Namespace: ns, Name: name}, cm); {
	case apierrors.IsNotFound(err):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("reading %s/%s: %w", ns, name, err)
	}
	return cm.Data, nil
}

// fixed hands out given Settings.
type fixed Settings

func (f fixed) allowZeroInitialScale() (bool, error)    { return f.AllowZeroInitialScale, nil }
func (f fixed) crossNamespaceEventLinks() (bool, error) { return f.CrossNamespaceEventLinks, nil }
func (f fixed) multiContainer() (bool, error)           { return !f.MultiContainerOff, nil }

// settingsSource is settings or fixed.
type settingsSource interface {
	allowZeroInitialScale() (bool, error)
	crossNamespaceEventLinks() (bool, error)
	multiContainer() (bool, error)
}

// validateSettings checks the rules that depend on the cluster's
// settings. On update (old non-nil) a finding the stored object has too is
// not reported: a controller that only edits labels or finalizers is not
// refused because a setting changed after the object was admitted.
func validateSettings(s settingsSource, obj, old runtime.Object) (*fielderr.FieldError, error) {
	found, err := settingFindings(s, obj)
	if err != nil || len(found) == 0 {
		return nil, err
	}
	var before []*fielderr.FieldError
	if old != nil {
		if before, err = settingFindings(s, old); err != nil {
			return nil, err
		}
	}
	var errs *fielderr.FieldError
	for _, fe := range found {
		if !containsFinding(before, fe) {
			errs = errs.Also(fe)
		}
	}
	return errs, nil
}

func containsFinding(list []*fielderr.FieldError, fe *fielderr.FieldError) bool {
	for _, o := range list {
		if o.Error() == fe.Error() {
			return true
		}
	}
	return false
}

// settingFindings lists what obj breaks of the setting-dependent rules,
// one FieldError each.
func settingFindings(s settingsSource, obj runtime.Object) ([]*fielderr.FieldError, error) {
	switch o := obj.(type) {
	case *servingv1.Service:
		return revisionFindings(s, o.Spec.Template.Annotations, "spec.template.metadata.annotations", len(o.Spec.Template.Spec.Containers), "spec.template.spec.containers")
	case *servingv1.Configuration:
		return revisionFindings(s, o.Spec.Template.Annotations, "spec.template.metadata.annotations", len(o.Spec.Template.Spec.Containers), "spec.template.spec.containers")
	case *servingv1.Revision:
		return revisionFindings(s, o.Annotations, "metadata.annotations", len(o.Spec.Containers), "spec.containers")
	case *eventingv1.Trigger:
		refs := map[string]*duck.KReference{"spec.subscriber.ref": o.Spec.Subscriber.Ref}
		addDeadLetter(refs, o.Spec.Delivery)
		return crossNamespace(s, o.Namespace, refs)
	case *messagingv1.Subscription:
		refs := map[string]*duck.KReference{"spec.channel": &o.Spec.Channel}
		if d := o.Spec.Subscriber; d != nil {
			refs["spec.subscriber.ref"] = d.Ref
		}
		if d := o.Spec.Reply; d != nil {
			refs["spec.reply.ref"] = d.Ref
		}
		addDeadLetter(refs, o.Spec.Delivery)
		return crossNamespace(s, o.Namespace, refs)
	}
	return nil, nil
}

// revisionFindings are the setting-dependent rules of a revision template:
// initial scale, and its number of containers.
func revisionFindings(s settingsSource, annotations map[string]string, path string, containers int, containersPath string) ([]*fielderr.FieldError, error) {
	out, err := initialScale(s, annotations, path)
	if err != nil {
		return nil, err
	}
	if containers > 1 {
		on, err := s.multiContainer()
		if err != nil {
			return nil, err
		}
		if !on {
			// Knative's message (pkg/apis/serving/k8s_validation.go); Knative
			// gives it no path, knsim names the containers.
			out = append(out, &fielderr.FieldError{Message: fmt.Sprintf("multi-container is off, but found %d containers", containers),
				Paths: []string{containersPath}})
		}
	}
	return out, nil
}

func addDeadLetter(refs map[string]*duck.KReference, d *duck.DeliverySpec) {
	if d != nil && d.DeadLetterSink != nil {
		refs["spec.delivery.deadLetterSink.ref"] = d.DeadLetterSink.Ref
	}
}

// initialScale refuses initial-scale "0" unless config-autoscaler allows
// it, with Knative's message: "invalid value: 0: <path>.autoscaling.knative.dev/initial-scale".
// Without the setting such a revision would never become Ready.
func initialScale(s settingsSource, annotations map[string]string, path string) ([]*fielderr.FieldError, error) {
	v, ok, err := autoscaling.ParseInt32(annotations, autoscaling.InitialScaleAnnotationKey)
	if err != nil || !ok || v != 0 {
		return nil, nil // other values are the object's own rules
	}
	allowed, err := s.allowZeroInitialScale()
	if err != nil || allowed {
		return nil, err
	}
	fe := fielderr.ErrInvalidValue(autoscaling.Spelled(annotations, autoscaling.InitialScaleAnnotationKey)).ViaField(path)
	return []*fielderr.FieldError{fe}, nil
}

// crossNamespace refuses references into another namespace unless
// config-features enables cross-namespace-event-links, with the message of
// Knative's KReference validation: "mismatched namespaces: <path>.namespace"
// and the details `parent namespace: "a" does not match ref: "b"`.
func crossNamespace(s settingsSource, ns string, refs map[string]*duck.KReference) ([]*fielderr.FieldError, error) {
	var out []*fielderr.FieldError
	for path, ref := range refs {
		if ref == nil || ref.Namespace == "" || ns == "" || ref.Namespace == ns {
			continue
		}
		allowed, err := s.crossNamespaceEventLinks()
		if err != nil || allowed {
			return nil, err
		}
		out = append(out, &fielderr.FieldError{
			Message: "mismatched namespaces",
			Paths:   []string{path + ".namespace"},
			Details: fmt.Sprintf("parent namespace: %q does not match ref: %q", ns, ref.Namespace),
		})
	}
	return out, nil
}
