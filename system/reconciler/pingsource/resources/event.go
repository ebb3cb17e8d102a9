package resources

import (
	"encoding/base64"
	"fmt"
	"time"

	cloudevents "github.com/cloudevents/sdk-go/v2"
	"github.com/google/uuid"

	"github.com/knsim/knsim/system/apis/duck"
	sourcesv1 "github.com/knsim/knsim/system/apis/sources/v1"
)

// EventType is the type of every PingSource event.
const EventType = "dev.knative.sources.ping"

// Source is the CloudEvents source of s's events:
// /apis/v1/namespaces/{namespace}/pingsources/{name}.
func Source(s *sourcesv1.PingSource) string {
	return "/apis/v1/namespaces/" + s.Namespace + "/pingsources/" + s.Name
}

// CloudEventAttributes lists the one type and source s emits.
func CloudEventAttributes(s *sourcesv1.PingSource) []duck.CloudEventAttributes {
	return []duck.CloudEventAttributes{{Type: EventType, Source: Source(s)}}
}

// EventID is deterministic: the same source incarnation (UID) firing at the
// same instant always yields the same id, so a retried emit is recognisable.
func EventID(s *sourcesv1.PingSource, at time.Time) string {
	return uuid.NewSHA1(uuid.NameSpaceURL, []byte(string(s.UID)+"@"+at.UTC().Format(time.RFC3339Nano))).String()
}

// MakeEvent returns the event s emits when firing at at: its data (or
// decoded dataBase64) with its content type, and its CloudEvent overrides.
func MakeEvent(s *sourcesv1.PingSource, at time.Time) (cloudevents.Event, error) {
	ev := cloudevents.NewEvent(cloudevents.VersionV1)
	ev.SetID(EventID(s, at))
	ev.SetType(EventType)
	ev.SetSource(Source(s))
	ev.SetTime(at.UTC())
	switch {
	case s.Spec.DataBase64 != "":
		data, err := base64.StdEncoding.DecodeString(s.Spec.DataBase64)
		if err != nil {
			return ev, fmt.Errorf("decoding dataBase64 of pingsource %s: %w", s.Name, err)
		}
		ev.DataEncoded, ev.DataBase64 = data, true
	case s.Spec.Data != "":
		ev.DataEncoded = []byte(s.Spec.Data)
	}
	if s.Spec.ContentType != "" {
		ev.SetDataContentType(s.Spec.ContentType)
	}
	if o := s.Spec.CloudEventOverrides; o != nil {
		for k, v := range o.Extensions {
			ev.SetExtension(k, v)
		}
	}
	if err := ev.Validate(); err != nil {
		return ev, fmt.Errorf("event of pingsource %s: %w", s.Name, err)
	}
	return ev, nil
}
