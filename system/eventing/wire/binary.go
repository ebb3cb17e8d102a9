package wire

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	cloudevents "github.com/cloudevents/sdk-go/v2"
	"github.com/cloudevents/sdk-go/v2/types"
)

// Binary-mode header names, canonical as the sdk-go HTTP binding writes
// them.
const (
	hdrSpecVersion = "Ce-Specversion"
	hdrID          = "Ce-Id"
	hdrSource      = "Ce-Source"
	hdrType        = "Ce-Type"
	hdrSubject     = "Ce-Subject"
	hdrTime        = "Ce-Time"
	hdrDataSchema  = "Ce-Dataschema"
	hdrSchemaURL   = "Ce-Schemaurl" // 0.3's dataschema
	hdrContentType = "Content-Type"
)

// extHeader is the header of extension name, as the sdk-go binding names
// it: "Ce-" and the name with its first letter upper-cased.
func extHeader(name string) string {
	var b strings.Builder
	b.Grow(len(name) + 3)
	b.WriteString("Ce-")
	r, n := utf8.DecodeRuneInString(name)
	b.WriteRune(unicode.ToUpper(r))
	b.WriteString(name[n:])
	return b.String()
}

// writeBinary sets req's headers and body to ev in binary mode, as the
// sdk-go binding (cehttp.WriteRequest of binding.ToMessage) does, without
// its per-attribute reflection and validation: the attributes were
// validated when the event was accepted. It reports false when ev is of a
// spec version it does not know, for the caller to fall back on the sdk.
func writeBinary(req *http.Request, ev *cloudevents.Event) (bool, error) {
	v := ev.SpecVersion()
	if v != cloudevents.VersionV1 && v != cloudevents.VersionV03 {
		return false, nil
	}
	h := req.Header
	h[hdrSpecVersion] = []string{v}
	h[hdrID] = []string{ev.ID()}
	h[hdrSource] = []string{ev.Source()}
	h[hdrType] = []string{ev.Type()}
	if s := ev.Subject(); s != "" {
		h[hdrSubject] = []string{s}
	}
	if t := ev.Time(); !t.IsZero() {
		h[hdrTime] = []string{types.Timestamp{Time: t}.String()}
	}
	if s := ev.DataSchema(); s != "" {
		if v == cloudevents.VersionV03 {
			h[hdrSchemaURL] = []string{s}
		} else {
			h[hdrDataSchema] = []string{s}
		}
	}
	// 0.3's datacontentencoding is not written: in binary mode the body
	// is the data itself, never base64, as the sdk-go binding writes it.
	if ct := ev.DataContentType(); ct != "" {
		h[hdrContentType] = []string{ct}
	}
	for name, val := range ev.Extensions() {
		if val == nil {
			continue
		}
		s, err := types.Format(val)
		if err != nil {
			return true, err
		}
		h[extHeader(name)] = []string{s}
	}
	if data := ev.Data(); len(data) > 0 {
		req.ContentLength = int64(len(data))
		req.Body = io.NopCloser(bytes.NewReader(data))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }
	}
	return true, nil
}
