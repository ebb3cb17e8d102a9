package scenario

import (
	"github.com/knsim/knsim/system/apis/duck"
	"github.com/knsim/knsim/system/eventing/delivery"
	"github.com/knsim/knsim/system/source"
)

// EventDelivery is an event workload's retry of failed sends, in the words
// of Knative's DeliverySpec. Knative's sources have no delivery spec: their
// adapters retry through the CloudEvents client (5 retries, 50 ms
// exponential); this block lets a scenario model a producer that retries
// otherwise.
type EventDelivery struct {
	// Retry is the number of retries after the first send (default 5).
	Retry *int32 `json:"retry,omitempty"`
	// BackoffPolicy is linear or exponential (default exponential): the
	// wait before retry k is backoffDelay*k or backoffDelay*2^k.
	BackoffPolicy string `json:"backoffPolicy,omitempty" jsonschema:"enum=linear,enum=exponential"`
	// BackoffDelay is the base of the backoff, an ISO-8601 duration such as
	// PT0.05S (the default) or PT1S.
	BackoffDelay string `json:"backoffDelay,omitempty"`
	// Timeout bounds each send, an ISO-8601 duration (default none, as
	// K_SINK_TIMEOUT unset).
	Timeout string `json:"timeout,omitempty"`
}

// Spec is the block as a DeliverySpec (nil for a nil block).
func (d *EventDelivery) Spec() *duck.DeliverySpec {
	if d == nil {
		return nil
	}
	spec := &duck.DeliverySpec{Retry: d.Retry}
	if d.BackoffPolicy != "" {
		bp := duck.BackoffPolicyType(d.BackoffPolicy)
		spec.BackoffPolicy = &bp
	}
	if d.BackoffDelay != "" {
		spec.BackoffDelay = &d.BackoffDelay
	}
	if d.Timeout != "" {
		spec.Timeout = &d.Timeout
	}
	return spec
}

// Policy resolves the block with the adapters' defaults.
func (d *EventDelivery) Policy() (delivery.Policy, error) {
	return source.AdapterPolicy(d.Spec())
}

func (d *EventDelivery) validate(v *validator, path string) {
	if d == nil {
		return
	}
	if d.Retry != nil && *d.Retry < 0 {
		v.errorf(path+".retry", "expected a number of retries >= 0, got %d", *d.Retry)
	}
	if bp := d.BackoffPolicy; bp != "" && bp != string(duck.BackoffPolicyLinear) && bp != string(duck.BackoffPolicyExponential) {
		v.errorf(path+".backoffPolicy", "expected linear or exponential, got %q", bp)
	}
	for _, f := range []struct{ name, value string }{{"backoffDelay", d.BackoffDelay}, {"timeout", d.Timeout}} {
		if f.value == "" {
			continue
		}
		dur, err := delivery.ParseDuration(f.value)
		switch {
		case err != nil:
			v.errorf(path+"."+f.name, "expected an ISO-8601 duration such as PT0.05S or PT1S, got %q: %v", f.value, err)
		case f.name == "timeout" && dur == 0:
			v.errorf(path+".timeout", "expected a duration greater than zero, got %q", f.value)
		}
	}
}
