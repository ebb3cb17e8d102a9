package resolver

import (
	"context"
	"time"

	"github.com/knsim/knsim/system/apis/duck"
)

// Reasons of DeadLetterSinkResolved conditions, as in Knative.
const (
	ReasonDeadLetterSinkNotConfigured = "DeadLetterSinkNotConfigured"
	ReasonDeadLetterSinkFailed        = "Unable to get the DeadLetterSink's URI"
)

// DeadLetterSink is the outcome of resolving a delivery's dead letter sink.
type DeadLetterSink struct {
	// URI is the resolved sink; empty when none is configured or on error.
	URI string
	// Configured says whether the delivery names a dead letter sink.
	Configured bool
	// Err is why a configured sink did not resolve.
	Err error
}

// ResolveDeadLetterSink resolves d's dead letter sink, if any, in namespace.
func (r *Resolver) ResolveDeadLetterSink(ctx context.Context, d *duck.DeliverySpec, namespace string) DeadLetterSink {
	if d == nil || d.DeadLetterSink == nil {
		return DeadLetterSink{}
	}
	uri, err := r.URIFromDestination(ctx, *d.DeadLetterSink, namespace)
	return DeadLetterSink{URI: uri, Configured: true, Err: err}
}

// Mark sets condition t from the outcome: True when resolved, True with
// reason DeadLetterSinkNotConfigured when none is configured, False when it
// did not resolve.
func (s DeadLetterSink) Mark(conds duck.ConditionManager, t duck.ConditionType, now time.Time) {
	switch {
	case !s.Configured:
		conds.MarkTrueWithReason(t, ReasonDeadLetterSinkNotConfigured, "No dead letter sink is configured.", now)
	case s.Err != nil:
		conds.MarkFalse(t, ReasonDeadLetterSinkFailed, s.Err.Error(), now)
	default:
		conds.MarkTrue(t, now)
	}
}

// Deps returns the tracking keys of the refs of dests (nil entries and
// URI-only destinations are skipped), defaulting their namespace.
func Deps(namespace string, dests ...*duck.Destination) []Key {
	var out []Key
	for _, d := range dests {
		if d != nil && d.Ref != nil {
			out = append(out, KeyOf(*d.Ref, namespace))
		}
	}
	return out
}

// DeadLetterDestination returns d's dead letter sink, or nil.
func DeadLetterDestination(d *duck.DeliverySpec) *duck.Destination {
	if d == nil {
		return nil
	}
	return d.DeadLetterSink
}
