package webhook

import (
	"context"
	"fmt"

	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/knsim/knsim/system/apis/fielderr"
	servingv1 "github.com/knsim/knsim/system/apis/serving/v1"
)

// Admit defaults and validates obj in process, as the admission webhooks do
// for the apiserver; old is the stored object on update, or nil. Objects of
// kinds the webhooks do not serve pass unchanged. The rules that depend on
// the cluster's settings take Knative's defaults (see Settings); AdmitIn
// reads them from the cluster's ConfigMaps instead.
func Admit(obj, old runtime.Object) error {
	return admit(fixed{}, obj, old)
}

// AdmitWith is Admit with the given cluster settings.
func AdmitWith(s Settings, obj, old runtime.Object) error {
	return admit(fixed(s), obj, old)
}

// AdmitIn is Admit with the cluster settings read through r, as the webhook
// server reads them: config-autoscaler in knative-serving and
// config-features in knative-eventing, each only when obj needs it (an
// initial-scale of "0", a reference into another namespace). A store
// without an apiserver (the memory control plane) passes its own client.
func AdmitIn(ctx context.Context, r client.Reader, obj, old runtime.Object) error {
	return admit(settings{ctx: ctx, reader: r}, obj, old)
}

func admit(s settingsSource, obj, old runtime.Object) error {
	if o, ok := obj.(object); ok {
		o.SetDefaults()
	}
	return validateAll(s, obj, old)
}

// validateAll runs validate and the setting-dependent rules, and words the
// rejection as Knative does.
func validateAll(s settingsSource, obj, old runtime.Object) error {
	errs := validate(obj, old)
	more, err := validateSettings(s, obj, old)
	if err != nil {
		return fmt.Errorf("validation failed: %w", err)
	}
	return failed(errs.Also(more))
}

// validate checks obj, and on update (old non-nil) the kind's update rules.
func validate(obj, old runtime.Object) *fielderr.FieldError {
	switch o := obj.(type) {
	case *servingv1.Service:
		if prev, ok := old.(*servingv1.Service); ok {
			return o.ValidateUpdate(prev)
		}
		return o.Validate()
	case *servingv1.Configuration:
		if prev, ok := old.(*servingv1.Configuration); ok {
			return o.ValidateUpdate(prev)
		}
		return o.Validate()
	case *servingv1.Revision:
		if prev, ok := old.(*servingv1.Revision); ok {
			return o.ValidateUpdate(prev)
		}
		return o.Validate()
	case *servingv1.Route:
		return o.Validate()
	}
	return validateEventing(obj, old)
}
