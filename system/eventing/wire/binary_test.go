package wire

import (
	"context"
	"io"
	"net/http"
	"testing"
	"time"

	cloudevents "github.com/cloudevents/sdk-go/v2"
	"github.com/cloudevents/sdk-go/v2/binding"
	cehttp "github.com/cloudevents/sdk-go/v2/protocol/http"
	"github.com/cloudevents/sdk-go/v2/types"
	"github.com/google/go-cmp/cmp"
)

// writeBinary must write exactly what the sdk-go binding writes.
func TestWriteBinaryMatchesSDK(t *testing.T) {
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
	tests := []struct {
		name string
		ev   *cloudevents.Event
	}{
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
	}
	for _, tc := range tests {
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
