package webhook

import (
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/knsim/knsim/system/apis/fielderr"
	servingv1 "github.com/knsim/knsim/system/apis/serving/v1"
)

// Admit defaults and validates obj in process, as the admission webhooks do
// for the apiserver; old is the stored object on update, or nil. Objects of
// kinds the webhooks do not serve pass unchanged. The memory control plane,
// which has no apiserver, calls it on every write from outside the stack.
func Admit(obj, old runtime.Object) error {
	if o, ok := obj.(object); ok {
		o.SetDefaults()
	}
	return failed(validate(obj, old))
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
