package wire

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"strconv"
	"testing"
	"time"

	cloudevents "github.com/cloudevents/sdk-go/v2"
	"github.com/cloudevents/sdk-go/v2/binding"
	cehttp "github.com/cloudevents/sdk-go/v2/protocol/http"
	"github.com/cloudevents/sdk-go/v2/types"
	"github.com/google/go-cmp/cmp"
)

// binaryCase is an event to write in binary mode.
type binaryCase struct {
	name string
	ev   *cloudevents.Event
}

// binaryCases are the events the binary writers are checked on.
func binaryCases() []binaryCase {
	at := time.Date(2026, 11, 24, 19, 0, 0, 123456789, time.FixedZone("x", 3600))
	mk := func(version string, edit func(e *cloudevents.Event)) *cloudevents.Event {
		e := cloudevents.NewEvent(version)
		e.SetID("id-1")
		e.SetSource("/orders")
		e.SetType("com.example.order")
		if edit != nil {
			edit(&e)
		}
		return &e
	}
	uri := types.ParseURI("http://schema.example.com/order")
	return []binaryCase{
		{"1.0 minimal", mk("1.0", nil)},
		{"0.3 minimal", mk("0.3", nil)},
		{"1.0 full", mk("1.0", func(e *cloudevents.Event) {
			e.SetSubject("s")
			e.SetTime(at)
			e.SetDataSchema("http://schema.example.com/order")
			_ = e.SetData("application/json", map[string]int{"n": 1})
			e.SetExtension("region", "eu")
			e.SetExtension("knativebrokerttl", 254)
			e.SetExtension("flag", true)
			e.SetExtension("when", at)
			e.SetExtension("ref", uri)
		})},
		{"0.3 full", mk("0.3", func(e *cloudevents.Event) {
			e.SetSubject("s")
			e.SetTime(at)
			e.SetDataSchema("http://schema.example.com/order")
			_ = e.SetData("text/plain", []byte("hello"))
			e.SetExtension("region", "eu")
		})},
		{"0.3 with base64 data", mk("0.3", func(e *cloudevents.Event) {
			_ = e.SetData("application/json", []byte(`{"a":1}`))
			ec, enc := e.Context.AsV03(), "base64"
			ec.DataContentEncoding = &enc
			e.Context = ec
		})},
		{"binary data without content type", mk("1.0", func(e *cloudevents.Event) {
			e.DataEncoded = []byte{0, 1, 2}
		})},
		{"arrival time extension", mk("1.0", func(e *cloudevents.Event) {
			e.SetExtension("knativearrivaltime", types.Timestamp{Time: at})
			e.SetExtension("Mixed", "v")
		})},
	}
}

// writeBinary must write exactly what the sdk-go binding writes.
func TestWriteBinaryMatchesSDK(t *testing.T) {
	for _, tc := range binaryCases() {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			want := &http.Request{Header: http.Header{}}
			if err := cehttp.WriteRequest(ctx, binding.ToMessage(tc.ev), want); err != nil {
				t.Fatal(err)
			}
			got := &http.Request{Header: http.Header{}}
			if ok, err := writeBinary(got, tc.ev); !ok || err != nil {
				t.Fatalf("writeBinary = %v, %v", ok, err)
			}
			if diff := cmp.Diff(want.Header, got.Header); diff != "" {
				t.Errorf("headers (-sdk +writeBinary):\n%s", diff)
			}
			if want.ContentLength != got.ContentLength {
				t.Errorf("ContentLength = %d, sdk %d", got.ContentLength, want.ContentLength)
			}
			if diff := cmp.Diff(body(t, want), body(t, got)); diff != "" {
				t.Errorf("body (-sdk +writeBinary):\n%s", diff)
			}
		})
	}
}

func body(t *testing.T, r *http.Request) string {
	t.Helper()
	if r.Body == nil {
		return ""
	}
	b, err := io.ReadAll(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// AppendBinaryRequest must write the sdk-go binding's headers and body,
// plus the request line, Host, User-Agent, Content-Length and the extras.
func TestAppendBinaryRequestMatchesSDK(t *testing.T) {
	for _, tc := range binaryCases() {
		t.Run(tc.name, func(t *testing.T) {
			want := &http.Request{Header: http.Header{}}
			if err := cehttp.WriteRequest(context.Background(), binding.ToMessage(tc.ev), want); err != nil {
				t.Fatal(err)
			}
			want.Header.Set("Prefer", "reply")
			want.Header.Set("User-Agent", UserAgent)
			head, data, ok, err := AppendBinaryRequest([]byte("junk"), "sub.example:8080", "/p?q=1", tc.ev, "Prefer", "reply")
			if !ok || err != nil {
				t.Fatalf("AppendBinaryRequest = %v, %v", ok, err)
			}
			if string(head[:4]) != "junk" {
				t.Fatalf("dst prefix lost: %q", head)
			}
			got, err := http.ReadRequest(bufio.NewReader(io.MultiReader(bytes.NewReader(head[4:]), bytes.NewReader(data))))
			if err != nil {
				t.Fatal(err)
			}
			if got.Method != "POST" || got.RequestURI != "/p?q=1" || got.Host != "sub.example:8080" || got.Proto != "HTTP/1.1" {
				t.Errorf("request line/host = %s %s %s host %s", got.Method, got.RequestURI, got.Proto, got.Host)
			}
			if cl := got.Header.Get("Content-Length"); cl != strconv.Itoa(len(tc.ev.Data())) {
				t.Errorf("Content-Length header = %q", cl)
			}
			got.Header.Del("Content-Length")
			if diff := cmp.Diff(want.Header, got.Header); diff != "" {
				t.Errorf("headers (-sdk +AppendBinaryRequest):\n%s", diff)
			}
			if got.ContentLength != int64(len(tc.ev.Data())) {
				t.Errorf("ContentLength = %d, want %d", got.ContentLength, len(tc.ev.Data()))
			}
			if diff := cmp.Diff(body(t, want), body(t, got)); diff != "" {
				t.Errorf("body (-sdk +AppendBinaryRequest):\n%s", diff)
			}
		})
	}
}

// AppendBinaryRequest refuses what net/http's client refuses, leaving dst
// as it was.
func TestAppendBinaryRequestRejects(t *testing.T) {
	mk := func(edit func(e *cloudevents.Event)) *cloudevents.Event {
		e := cloudevents.NewEvent("1.0")
		e.SetID("id-1")
		e.SetSource("/orders")
		e.SetType("t")
		edit(&e)
		return &e
	}
	tests := []struct {
		name  string
		ev    *cloudevents.Event
		extra []string
		ok    bool
	}{
		{"newline in id", mk(func(e *cloudevents.Event) { e.SetID("a\r\nX-Evil: 1") }), nil, true},
		{"control character in extension", mk(func(e *cloudevents.Event) { e.SetExtension("region", "e\x01u") }), nil, true},
		{"newline in subject", mk(func(e *cloudevents.Event) { e.SetSubject("a\nb") }), nil, true},
		{"bad extra name", mk(func(e *cloudevents.Event) {}), []string{"Bad Name", "v"}, true},
		{"odd extras", mk(func(e *cloudevents.Event) {}), []string{"Prefer"}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			head, _, ok, err := AppendBinaryRequest([]byte("keep"), "h", "/", tc.ev, tc.extra...)
			if ok != tc.ok {
				t.Fatalf("ok = %v, want %v", ok, tc.ok)
			}
			if ok && err == nil {
				t.Fatalf("no error for %q", head)
			}
			if string(head) != "keep" {
				t.Errorf("dst = %q, want it unchanged", head)
			}
		})
	}
	// Tabs are allowed, as net/http allows them.
	if _, _, _, err := AppendBinaryRequest(nil, "h", "/", mk(func(e *cloudevents.Event) { e.SetSubject("a\tb") })); err != nil {
		t.Errorf("tab refused: %v", err)
	}
}

// sourceString must agree with Event.Source on every source.
func TestSourceString(t *testing.T) {
	for _, src := range []string{
		"/bench/producer", "/", "/a/b/c", "/a-b_c.d~e", "/$&+,;=@", "/a:b", "a:b", "a/b", "//host/path",
		"/a%20b", "/a b", "/a?x=1", "/a#f", "/a?", "http://example.com/x", "urn:example:1", "mailto:x@y",
		"/ü", "/a%2Fb", "", "/a/./b", "/..", "/a!b", "/a*b", "/(x)", "/'x'",
	} {
		for _, version := range []string{"1.0", "0.3"} {
			e := cloudevents.NewEvent(version)
			e.SetSource(src)
			if got, want := sourceString(&e), e.Source(); got != want {
				t.Errorf("%s: sourceString(%q) = %q, Source() = %q", version, src, got, want)
			}
		}
	}
}
