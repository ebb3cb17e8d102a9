package wire

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"sync"
	"time"

	cloudevents "github.com/cloudevents/sdk-go/v2"
	"github.com/cloudevents/sdk-go/v2/event"
	"github.com/cloudevents/sdk-go/v2/types"
)

// UserAgent is the User-Agent of requests built by AppendBinaryRequest, the
// one net/http's client sends by default.
const UserAgent = "Go-http-client/1.1"

// headPool recycles request heads between AppendBinaryRequest callers.
var headPool = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// GetHeadBuffer returns an empty buffer for AppendBinaryRequest; give it
// back with PutHeadBuffer.
func GetHeadBuffer() *[]byte {
	b := headPool.Get().(*[]byte)
	*b = (*b)[:0]
	return b
}

// PutHeadBuffer recycles a buffer from GetHeadBuffer; oversized ones are
// dropped.
func PutHeadBuffer(b *[]byte) {
	if cap(*b) <= 64<<10 {
		headPool.Put(b)
	}
}

// errBadHeaderValue reports an attribute that HTTP cannot carry in a header.
var errBadHeaderValue = errors.New("invalid header field value")

// AppendBinaryRequest appends to dst the head of an HTTP/1.1 POST of ev in
// binary mode (request line for requestURI, Host, User-Agent,
// Content-Length, the Ce- headers and Content-Type exactly as
// the sdk-go binding writes them, then extra, which holds name and value
// pairs) up to and including the blank line, and returns it with the body
// to send after it (ev's data, shared). It reports false, with dst
// unchanged, for a spec version it does not know, and fails, with dst
// unchanged, on a value HTTP does not allow in a header (a control
// character other than tab), as net/http's client refuses those.
func AppendBinaryRequest(dst []byte, host, requestURI string, ev *cloudevents.Event, extra ...string) ([]byte, []byte, bool, error) {
	v := ev.SpecVersion()
	if v != cloudevents.VersionV1 && v != cloudevents.VersionV03 {
		return dst, nil, false, nil
	}
	if len(extra)%2 != 0 {
		return dst, nil, true, errors.New("extra headers must come in name, value pairs")
	}
	start := len(dst)
	b := dst
	fail := func(name string) ([]byte, []byte, bool, error) {
		return dst[:start], nil, true, fmt.Errorf("%w for %q", errBadHeaderValue, name)
	}
	data := ev.Data()
	b = append(b, "POST "...)
	b = append(b, requestURI...)
	b = append(b, " HTTP/1.1\r\nHost: "...)
	b = append(b, host...)
	b = append(b, "\r\nUser-Agent: "+UserAgent+"\r\nContent-Length: "...)
	b = strconv.AppendInt(b, int64(len(data)), 10)
	b = append(b, "\r\n"...)

	var ok bool
	if b, ok = appendHeader(b, hdrSpecVersion, v); !ok {
		return fail(hdrSpecVersion)
	}
	if b, ok = appendHeader(b, hdrID, ev.ID()); !ok {
		return fail(hdrID)
	}
	if b, ok = appendHeader(b, hdrSource, sourceString(ev)); !ok {
		return fail(hdrSource)
	}
	if b, ok = appendHeader(b, hdrType, ev.Type()); !ok {
		return fail(hdrType)
	}
	if s := ev.Subject(); s != "" {
		if b, ok = appendHeader(b, hdrSubject, s); !ok {
			return fail(hdrSubject)
		}
	}
	if t := ev.Time(); !t.IsZero() {
		b = append(b, hdrTime+": "...)
		b = t.UTC().AppendFormat(b, time.RFC3339Nano)
		b = append(b, "\r\n"...)
	}
	if s := ev.DataSchema(); s != "" {
		name := hdrDataSchema
		if v == cloudevents.VersionV03 {
			name = hdrSchemaURL
		}
		if b, ok = appendHeader(b, name, s); !ok {
			return fail(name)
		}
	}
	// 0.3's datacontentencoding is not written: in binary mode the body
	// is the data itself (see writeBinary).
	if ct := ev.DataContentType(); ct != "" {
		if b, ok = appendHeader(b, hdrContentType, ct); !ok {
			return fail(hdrContentType)
		}
	}
	for name, val := range extensions(ev) {
		if val == nil {
			continue
		}
		if !validHeaderName(name) {
			return fail(name)
		}
		b = append(b, "Ce-"...)
		b = append(b, upperASCII(name[0]))
		b = append(b, name[1:]...)
		b = append(b, ": "...)
		switch x := val.(type) {
		case string:
			if !validHeaderValue(x) {
				return fail(name)
			}
			b = append(b, x...)
		case types.Timestamp:
			b = x.Time.UTC().AppendFormat(b, time.RFC3339Nano)
		case int32:
			b = strconv.AppendInt(b, int64(x), 10)
		default:
			s, err := types.Format(val)
			if err != nil {
				return dst[:start], nil, true, err
			}
			if !validHeaderValue(s) {
				return fail(name)
			}
			b = append(b, s...)
		}
		b = append(b, "\r\n"...)
	}
	for i := 0; i < len(extra); i += 2 {
		if !validHeaderName(extra[i]) {
			return fail(extra[i])
		}
		if b, ok = appendHeader(b, extra[i], extra[i+1]); !ok {
			return fail(extra[i])
		}
	}
	b = append(b, "\r\n"...)
	return b, data, true, nil
}

// extensions is ev's extension map without the copy Event.Extensions makes.
func extensions(ev *cloudevents.Event) map[string]any {
	switch ctx := ev.Context.(type) {
	case *event.EventContextV1:
		return ctx.Extensions
	case *event.EventContextV03:
		return ctx.Extensions
	default:
		return ev.Extensions()
	}
}

// appendHeader appends "name: value\r\n"; it reports false when value is
// not a valid header value.
func appendHeader(b []byte, name, value string) ([]byte, bool) {
	if !validHeaderValue(value) {
		return b, false
	}
	b = append(b, name...)
	b = append(b, ": "...)
	b = append(b, value...)
	return append(b, "\r\n"...), true
}

// validHeaderValue is RFC 7230's field-value as net/http checks it: no
// control characters but horizontal tab.
func validHeaderValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; (c < ' ' && c != '\t') || c == 0x7f {
			return false
		}
	}
	return true
}

// validHeaderName is a non-empty RFC 7230 token.
func validHeaderName(n string) bool {
	if n == "" {
		return false
	}
	for i := 0; i < len(n); i++ {
		c := n[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case c == '!' || c == '#' || c == '$' || c == '%' || c == '&' || c == '\'' || c == '*' ||
			c == '+' || c == '-' || c == '.' || c == '^' || c == '_' || c == '`' || c == '|' || c == '~':
		default:
			return false
		}
	}
	return true
}

// upperASCII upper-cases an ASCII letter.
func upperASCII(c byte) byte {
	if 'a' <= c && c <= 'z' {
		return c - ('a' - 'A')
	}
	return c
}

// sourceString is ev.Source() without formatting the URI reference when it
// is a plain absolute path (the common "/producer/x"), which formats as
// itself.
func sourceString(ev *cloudevents.Event) string {
	var u *url.URL
	switch ctx := ev.Context.(type) {
	case *event.EventContextV1:
		u = &ctx.Source.URL
	case *event.EventContextV03:
		u = &ctx.Source.URL
	default:
		return ev.Source()
	}
	if p, ok := plainPath(u); ok {
		return p
	}
	return ev.Source()
}

// plainPath returns u's path when u is nothing but an absolute path of
// characters that url.URL.String writes unescaped.
func plainPath(u *url.URL) (string, bool) {
	if u.Scheme != "" || u.Opaque != "" || u.User != nil || u.Host != "" || u.OmitHost ||
		u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || u.RawFragment != "" || u.RawPath != "" {
		return "", false
	}
	p := u.Path
	if len(p) == 0 || p[0] != '/' || (len(p) > 1 && p[1] == '/') {
		return "", false
	}
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case c == '-' || c == '.' || c == '_' || c == '~' || c == '/' || c == '$' || c == '&' ||
			c == '+' || c == ',' || c == ';' || c == '=' || c == '@':
		default:
			return "", false
		}
	}
	return p, true
}
