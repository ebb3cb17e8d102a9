package webhook

import (
	"context"
	"fmt"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/knsim/knsim/system/apis/fielderr"
	servingv1 "github.com/knsim/knsim/system/apis/serving/v1"
)

// object is what an API kind offers the webhook.
type object interface {
	runtime.Object
	SetDefaults()
	Validate() *fielderr.FieldError
}

// kind adapts an API type's SetDefaults and the shared validate to
// controller-runtime's Defaulter and Validator; reader reads the cluster
// settings some rules depend on (see AdmitIn).
type kind[T object] struct{ reader client.Reader }

// Default implements admission.Defaulter.
func (kind[T]) Default(_ context.Context, obj T) error {
	obj.SetDefaults()
	return nil
}

// ValidateCreate implements admission.Validator.
func (k kind[T]) ValidateCreate(ctx context.Context, obj T) (admission.Warnings, error) {
	return nil, validateAll(settings{ctx: ctx, reader: k.reader}, obj, nil)
}

// ValidateUpdate implements admission.Validator.
func (k kind[T]) ValidateUpdate(ctx context.Context, old, obj T) (admission.Warnings, error) {
	return nil, validateAll(settings{ctx: ctx, reader: k.reader}, obj, old)
}

// ValidateDelete implements admission.Validator.
func (kind[T]) ValidateDelete(context.Context, T) (admission.Warnings, error) { return nil, nil }

// failed words a rejection as Knative does, e.g. "validation failed:
// Traffic targets sum to 90, want 100: spec.traffic".
func failed(fe *fielderr.FieldError) error {
	if err := fe.Err(); err != nil {
		return fmt.Errorf("validation failed: %w", err)
	}
	return nil
}

// ServingKinds are the serving.knative.dev kinds the webhooks serve.
var ServingKinds = []schema.GroupVersionKind{
	servingv1.SchemeGroupVersion.WithKind("Service"),
	servingv1.SchemeGroupVersion.WithKind("Configuration"),
	servingv1.SchemeGroupVersion.WithKind("Revision"),
	servingv1.SchemeGroupVersion.WithKind("Route"),
}

// Kinds are the resources knsim's webhooks default and validate: the
// Serving kinds, then the eventing ones (see EventingKinds).
var Kinds = append(append([]schema.GroupVersionKind{}, ServingKinds...), EventingKinds...)

// SetupWithManager serves the defaulting and validating webhooks on the
// manager's webhook server, at the paths MutatingConfiguration and
// ValidatingConfiguration name. They read config-autoscaler and
// config-features with the manager's API reader (see AdmitIn).
func SetupWithManager(mgr ctrl.Manager) error {
	errs := []error{
		register(mgr, &servingv1.Service{}),
		register(mgr, &servingv1.Configuration{}),
		register(mgr, &servingv1.Revision{}),
		register(mgr, &servingv1.Route{}),
	}
	errs = append(errs, registerEventing(mgr)...)
	for _, err := range errs {
		if err != nil {
			return fmt.Errorf("setting up webhooks: %w", err)
		}
	}
	return nil
}

func register[T object](mgr ctrl.Manager, obj T) error {
	// The API reader reads the settings from the apiserver, not the cache:
	// a ConfigMap applied just before the object is already seen.
	k := kind[T]{reader: mgr.GetAPIReader()}
	gvk := obj.GetObjectKind().GroupVersionKind()
	if gvk.Empty() {
		kinds, _, err := mgr.GetScheme().ObjectKinds(obj)
		if err != nil {
			return err
		}
		gvk = kinds[0]
	}
	return ctrl.NewWebhookManagedBy(mgr, obj).
		WithDefaulter(k).
		WithValidator(k).
		WithDefaulterCustomPath(MutatePath(gvk)).
		WithValidatorCustomPath(ValidatePath(gvk)).
		Complete()
}
