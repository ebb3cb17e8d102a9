package wire

import (
	"net/http"
	"time"

	cloudevents "github.com/cloudevents/sdk-go/v2"
	"github.com/cloudevents/sdk-go/v2/binding/format"
	"github.com/cloudevents/sdk-go/v2/event"
	"github.com/cloudevents/sdk-go/v2/types"
)

// decodeBinaryV1 decodes a binary-mode CloudEvents 1.0 message the way the
// sdk-go HTTP binding does (cehttp.NewMessage, binding.ToEvent), setting
// the attributes with the same EventContextV1 setters, without the
// binding's message, reader and buffer copies. It reports false, having
// decided nothing, for any message it does not cover: a structured or
// batch content type, a spec version other than 1.0, or a Ce- header
// whose name is not plain ASCII letters and digits; the caller then uses
// the sdk. body is taken as the event's data.
func decodeBinaryV1(h http.Header, body []byte) (*cloudevents.Event, bool, error) {
	if ct := h["Content-Type"]; len(ct) > 0 && format.Lookup(ct[0]) != nil {
		return nil, false, nil
	}
	if sv := h["Ce-Specversion"]; len(sv) == 0 || sv[0] != cloudevents.VersionV1 {
		return nil, false, nil
	}
	for k := range h {
		if len(k) > 3 && k[:3] == "Ce-" && !alnum(k[3:]) {
			return nil, false, nil
		}
	}
	ev := event.New(cloudevents.VersionV1)
	ec, ok := ev.Context.(*event.EventContextV1)
	if !ok {
		return nil, false, nil
	}
	for k, v := range h {
		if len(v) == 0 {
			continue
		}
		var err error
		switch k {
		case "Ce-Specversion":
		case "Ce-Id":
			err = ec.SetID(v[0])
		case "Ce-Source":
			err = ec.SetSource(v[0])
		case "Ce-Type":
			err = ec.SetType(v[0])
		case "Content-Type":
			err = ec.SetDataContentType(v[0])
		case "Ce-Dataschema":
			err = ec.SetDataSchema(v[0])
		case "Ce-Subject":
			err = ec.SetSubject(v[0])
		case "Ce-Time":
			var t time.Time
			if t, err = types.ToTime(v[0]); err == nil {
				err = ec.SetTime(t)
			}
		default:
			if len(k) > 3 && k[:3] == "Ce-" {
				err = ec.SetExtension(extensionName(k[3:]), v[0])
			}
		}
		if err != nil {
			return nil, true, err
		}
	}
	if len(body) > 0 {
		ev.DataEncoded = body
	}
	return &ev, true, nil
}

// knownExtensionNames maps canonical header suffixes of common extensions
// to their names, saving the allocation of extensionName.
var knownExtensionNames = map[string]string{
	"Knativebrokerttl":   "knativebrokerttl",
	"Knativearrivaltime": "knativearrivaltime",
	"Traceparent":        "traceparent",
	"Tracestate":         "tracestate",
	"Partitionkey":       "partitionkey",
	"Benchsent":          "benchsent",
}

// extensionName is the extension named by the header suffix s (after
// "Ce-"): its first letter lower-cased, as the sdk-go binding names it.
func extensionName(s string) string {
	if n, ok := knownExtensionNames[s]; ok {
		return n
	}
	if c := s[0]; 'A' <= c && c <= 'Z' {
		b := []byte(s)
		b[0] = c + ('a' - 'A')
		return string(b)
	}
	return s
}

// alnum reports whether s is non-empty and only ASCII letters and digits.
func alnum(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}
