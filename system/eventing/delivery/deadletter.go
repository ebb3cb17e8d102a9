package delivery

import (
	"encoding/base64"

	cloudevents "github.com/cloudevents/sdk-go/v2"
)

// Extensions Knative adds to a dead-lettered event.
const (
	// ExtErrorDest is the URL whose delivery failed.
	ExtErrorDest = "knativeerrordest"
	// ExtErrorCode is the last HTTP status (500 for a transport error).
	ExtErrorCode = "knativeerrorcode"
	// ExtErrorData is the last response body, base64, truncated.
	ExtErrorData = "knativeerrordata"
	// ErrorDataMaxLength caps knativeerrordata: as in Knative, the base64
	// text (not the body) is cut to this many characters.
	ErrorDataMaxLength = 1024
)

// ErrorData is the knativeerrordata value for a response body: its
// standard base64 encoding cut to ErrorDataMaxLength characters.
func ErrorData(body []byte) string {
	enc := base64.StdEncoding.EncodeToString(body)
	if len(enc) > ErrorDataMaxLength {
		enc = enc[:ErrorDataMaxLength]
	}
	return enc
}

// DeadLetterEvent returns a copy of ev carrying the error extensions for a
// delivery to dest that last failed with code and body. ev is not changed.
func DeadLetterEvent(ev *cloudevents.Event, dest string, code int, body []byte) *cloudevents.Event {
	out := ev.Clone()
	// The names and value types are valid, so these cannot fail.
	_ = out.Context.SetExtension(ExtErrorDest, dest)
	_ = out.Context.SetExtension(ExtErrorCode, code)
	_ = out.Context.SetExtension(ExtErrorData, ErrorData(body))
	return &out
}
