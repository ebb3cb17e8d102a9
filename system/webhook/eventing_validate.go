package webhook

import (
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/knsim/knsim/system/apis/duck"
	eventingv1 "github.com/knsim/knsim/system/apis/eventing/v1"
	eventingv1beta2 "github.com/knsim/knsim/system/apis/eventing/v1beta2"
	"github.com/knsim/knsim/system/apis/fielderr"
	flowsv1 "github.com/knsim/knsim/system/apis/flows/v1"
	messagingv1 "github.com/knsim/knsim/system/apis/messaging/v1"
	messagingv1alpha1 "github.com/knsim/knsim/system/apis/messaging/v1alpha1"
	sourcesv1 "github.com/knsim/knsim/system/apis/sources/v1"
	"github.com/knsim/knsim/system/eventing/delivery"
	"github.com/knsim/knsim/system/eventing/filter"
)

// validateEventing checks an eventing object: the kind's own rules (and
// its update rules when old is set), then every delivery spec and Trigger
// filter with the data plane's own parsers, so admission accepts exactly
// what the broker and channels can run. It returns nil for other kinds.
func validateEventing(obj, old runtime.Object) *fielderr.FieldError {
	switch o := obj.(type) {
	case *eventingv1.Broker:
		errs := o.Validate()
		if prev, ok := old.(*eventingv1.Broker); ok {
			errs = o.ValidateUpdate(prev)
		}
		return errs.Also(validateDelivery(o.Spec.Delivery, "spec.delivery"))
	case *eventingv1.Trigger:
		errs := o.Validate()
		if prev, ok := old.(*eventingv1.Trigger); ok {
			errs = o.ValidateUpdate(prev)
		}
		return errs.Also(validateDelivery(o.Spec.Delivery, "spec.delivery"), filter.ValidateSpec(&o.Spec).ViaField("spec"))
	case *eventingv1beta2.EventType:
		return o.Validate()
	case *messagingv1.Channel:
		errs := o.Validate()
		if prev, ok := old.(*messagingv1.Channel); ok {
			errs = o.ValidateUpdate(prev)
		}
		return errs.Also(validateDelivery(o.Spec.Delivery, "spec.delivery"))
	case *messagingv1.InMemoryChannel:
		return o.Validate().Also(validateDelivery(o.Spec.Delivery, "spec.delivery"))
	case *messagingv1alpha1.NatsJetStreamChannel:
		return o.Validate().Also(validateDelivery(o.Spec.Delivery, "spec.delivery"))
	case *messagingv1.Subscription:
		errs := o.Validate()
		if prev, ok := old.(*messagingv1.Subscription); ok {
			errs = o.ValidateUpdate(prev)
		}
		return errs.Also(validateDelivery(o.Spec.Delivery, "spec.delivery"))
	case *flowsv1.Sequence:
		errs := o.Validate()
		for i := range o.Spec.Steps {
			errs = errs.Also(validateDelivery(o.Spec.Steps[i].Delivery, "delivery").ViaFieldIndex("spec.steps", i))
		}
		return errs
	case *flowsv1.Parallel:
		errs := o.Validate()
		for i := range o.Spec.Branches {
			errs = errs.Also(validateDelivery(o.Spec.Branches[i].Delivery, "delivery").ViaFieldIndex("spec.branches", i))
		}
		return errs
	case *sourcesv1.PingSource:
		return o.Validate()
	case *sourcesv1.ApiServerSource:
		return o.Validate()
	case *sourcesv1.ContainerSource:
		return o.Validate()
	case *sourcesv1.SinkBinding:
		return o.Validate()
	}
	return nil
}

// validateDelivery checks retry, backoff, durations and the presence of a
// dead letter target as the data plane's delivery policy reads them.
func validateDelivery(d *duck.DeliverySpec, path string) *fielderr.FieldError {
	return delivery.ValidateSpec(d).ViaField(path)
}
