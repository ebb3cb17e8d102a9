package broker

import (
	"time"

	cloudevents "github.com/cloudevents/sdk-go/v2"
	"github.com/cloudevents/sdk-go/v2/event"
	"github.com/cloudevents/sdk-go/v2/types"

	"github.com/knsim/knsim/system/eventing/filter"
)

// Extensions the broker manages.
const (
	// TTLExtension counts the passes an event may still make through a
	// broker (a reply is a new pass).
	TTLExtension = "knativebrokerttl"
	// ArrivalTimeExtension is when the ingress accepted the event.
	ArrivalTimeExtension = "knativearrivaltime"
	// DefaultTTL is the TTL of an event that arrives without one.
	DefaultTTL int32 = 255
)

// GetTTL returns the event's TTL and whether it has a valid (integer) one.
func GetTTL(ev *cloudevents.Event) (int32, bool) {
	raw, ok := filter.Extension(ev, TTLExtension)
	if !ok {
		return 0, false
	}
	ttl, err := types.ToInteger(raw)
	if err != nil {
		return 0, false
	}
	return ttl, true
}

// SetTTL sets the event's TTL.
func SetTTL(ev *cloudevents.Event, ttl int32) {
	setExtension(ev, TTLExtension, ttl)
}

// DeleteTTL removes the TTL, as the broker does before delivering to a
// subscriber.
func DeleteTTL(ev *cloudevents.Event) {
	setExtension(ev, TTLExtension, nil)
}

// setExtension is ev.SetExtension for the broker's own extensions, whose
// names are valid lower-case names and whose values are CloudEvents types
// already (int32, types.Timestamp) or nil to delete: it stores them as
// SetExtension would, without its name and value checks.
func setExtension(ev *cloudevents.Event, name string, value any) {
	var ext *map[string]any
	switch ctx := ev.Context.(type) {
	case *event.EventContextV1:
		ext = &ctx.Extensions
	case *event.EventContextV03:
		ext = &ctx.Extensions
	default:
		_ = ev.Context.SetExtension(name, value)
		return
	}
	if value == nil {
		delete(*ext, name)
		if len(*ext) == 0 {
			*ext = nil
		}
		return
	}
	if *ext == nil {
		*ext = make(map[string]any, 4)
	}
	(*ext)[name] = value
}

// PassTTL applies Knative's TTL defaulter for one pass through the ingress
// and returns the new TTL: DefaultTTL when missing or not an integer,
// otherwise one less, never below 0. The caller drops the event when the
// result is 0.
func PassTTL(ev *cloudevents.Event) int32 {
	ttl, ok := GetTTL(ev)
	switch {
	case !ok:
		ttl = DefaultTTL
	case ttl > 0:
		ttl--
	default:
		ttl = 0
	}
	SetTTL(ev, ttl)
	return ttl
}

// SetArrivalTime stamps knativearrivaltime with now (RFC 3339, UTC).
func SetArrivalTime(ev *cloudevents.Event, now time.Time) {
	setExtension(ev, ArrivalTimeExtension, types.Timestamp{Time: now})
}
