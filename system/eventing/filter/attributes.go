package filter

import (
	"strings"
	"time"

	cloudevents "github.com/cloudevents/sdk-go/v2"
	"github.com/cloudevents/sdk-go/v2/event"
	"github.com/cloudevents/sdk-go/v2/types"
)

// Lookup returns the named context attribute or extension of ev as its
// canonical CloudEvents string, and whether ev has it. Names follow
// Knative's LookupAttribute: the spec attributes (also the 0.3 names
// schemaurl and datacontentencoding, and datamediatype), then extensions.
// An optional attribute that is unset or empty is reported as missing, so
// that "" filters ("present and non-empty") and prefix/suffix behave as in
// Knative.
func Lookup(ev *cloudevents.Event, name string) (string, bool) {
	var v string
	switch name {
	case "specversion":
		v = ev.SpecVersion()
	case "type":
		v = ev.Type()
	case "source":
		v = ev.Source()
	case "subject":
		v = ev.Subject()
	case "id":
		v = ev.ID()
	case "time":
		if t := ev.Time(); !t.IsZero() {
			v = t.Format(time.RFC3339Nano)
		}
	case "dataschema", "schemaurl":
		v = ev.DataSchema()
	case "datacontenttype":
		v = ev.DataContentType()
	case "datamediatype":
		v = ev.DataMediaType()
	case "datacontentencoding":
		v = ev.DeprecatedDataContentEncoding()
	default:
		raw, ok := Extension(ev, name)
		if !ok {
			return "", false
		}
		s, err := types.Format(raw)
		if err != nil {
			return "", false
		}
		return s, true
	}
	return v, v != ""
}

// Extension returns the raw value of the extension name (matched
// case-insensitively) without copying the extension map.
func Extension(ev *cloudevents.Event, name string) (any, bool) {
	var ext map[string]any
	switch ctx := ev.Context.(type) {
	case *event.EventContextV1:
		ext = ctx.Extensions
	case *event.EventContextV03:
		ext = ctx.Extensions
	case nil:
		return nil, false
	default:
		v, err := ctx.GetExtension(name)
		return v, err == nil
	}
	if v, ok := ext[name]; ok {
		return v, true
	}
	// The SDK lower-cases names on Set, so only a mixed-case query can miss.
	if lower := strings.ToLower(name); lower != name {
		v, ok := ext[lower]
		return v, ok
	}
	return nil, false
}
