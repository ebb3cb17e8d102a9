package wire

import (
	"net/http"
	"testing"

	cloudevents "github.com/cloudevents/sdk-go/v2"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// decodeBinaryV1 must take exactly the sdk-go binding's accept and reject
// decisions, and build the same event, on every message it covers.
func TestDecodeBinaryV1MatchesSDK(t *testing.T) {
	base := func(kv ...string) http.Header {
		h := http.Header{
			"Ce-Specversion": {"1.0"},
			"Ce-Id":          {"id-1"},
			"Ce-Source":      {"/orders"},
			"Ce-Type":        {"com.example.order"},
		}
		for i := 0; i < len(kv); i += 2 {
			if kv[i+1] == "\x00delete" {
				delete(h, kv[i])
				continue
			}
			h[kv[i]] = []string{kv[i+1]}
		}
		return h
	}
	tests := []struct {
		name    string
		h       http.Header
		body    string
		covered bool // decodeBinaryV1 decides (false: falls back to the sdk)
	}{
		{"minimal", base(), "", true},
		{"with data and content type", base("Content-Type", "application/json"), `{"a":1}`, true},
		{"data without content type", base(), "\x00\x01", true},
		{"content type with spaces", base("Content-Type", "  text/plain  "), "x", true},
		{"empty content type", base("Content-Type", ""), "x", true},
		{"subject", base("Ce-Subject", "s-1"), "", true},
		{"blank subject", base("Ce-Subject", "  "), "", true},
		{"time", base("Ce-Time", "2026-11-24T19:00:00.123456789+01:00"), "", true},
		{"bad time", base("Ce-Time", "yesterday"), "", true},
		{"dataschema", base("Ce-Dataschema", "http://schema.example.com/o"), "", true},
		{"relative dataschema", base("Ce-Dataschema", "/schema"), "", true},
		{"bad dataschema", base("Ce-Dataschema", "http://[::1"), "", true},
		{"bad source", base("Ce-Source", "http://[::1"), "", true},
		{"empty source", base("Ce-Source", ""), "", true},
		{"missing source", base("Ce-Source", "\x00delete"), "", true},
		{"missing id", base("Ce-Id", "\x00delete"), "", true},
		{"blank id", base("Ce-Id", "   "), "", true},
		{"id with spaces", base("Ce-Id", " a "), "", true},
		{"missing type", base("Ce-Type", "\x00delete"), "", true},
		{"blank type", base("Ce-Type", " "), "", true},
		{"extension", base("Ce-Region", "eu"), "", true},
		{"known extension", base("Ce-Knativebrokerttl", "12"), "", true},
		{"extension with digits", base("Ce-Abc123", "v"), "", true},
		{"extension named like an attribute", base("Ce-Datacontenttype", "text/plain"), "", true},
		{"extension data", base("Ce-Data", "x"), "", true},
		{"long extension name", base("Ce-Abcdefghijklmnopqrstuvwxyz", "v"), "", true},
		{"empty extension value", base("Ce-Region", ""), "", true},
		{"lower-case ce header", base("ce-region", "eu"), "", true},
		{"other headers", base("Accept", "*/*", "Prefer", "reply"), "", true},
		{"extension with dash", base("Ce-Foo-Bar", "v"), "", false},
		{"extension with underscore", base("Ce-Foo_bar", "v"), "", false},
		{"version 0.3", base("Ce-Specversion", "0.3"), "", false},
		{"unknown version", base("Ce-Specversion", "2.0"), "", false},
		{"no version", base("Ce-Specversion", "\x00delete"), "", false},
		{"structured", base("Content-Type", "application/cloudevents+json"), `{"specversion":"1.0","id":"s","source":"/x","type":"t"}`, false},
		{"structured with parameters", base("Content-Type", "Application/CloudEvents+JSON; charset=utf-8"), `{"specversion":"1.0","id":"s","source":"/x","type":"t"}`, false},
		{"batch", base("Content-Type", "application/cloudevents-batch+json"), `[]`, false},
		{"not an event", http.Header{"Content-Type": {"application/json"}}, `{}`, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var body []byte
			if tc.body != "" {
				body = []byte(tc.body)
			}
			got, ok, gotErr := decodeBinaryV1(tc.h, body)
			if ok != tc.covered {
				t.Fatalf("covered = %v, want %v", ok, tc.covered)
			}
			want, wantErr := decodeSDK(tc.h, body)
			if !ok {
				// decode must fall back to exactly the sdk.
				got, gotErr = decode(tc.h, body)
			}
			if (gotErr != nil) != (wantErr != nil) {
				t.Fatalf("error = %v, sdk %v", gotErr, wantErr)
			}
			if wantErr != nil {
				return
			}
			gotV, wantV := got.Validate(), want.Validate()
			if (gotV != nil) != (wantV != nil) {
				t.Fatalf("Validate = %v, sdk %v", gotV, wantV)
			}
			if diff := cmp.Diff(want, got, cmpopts.IgnoreUnexported(cloudevents.Event{})); diff != "" {
				t.Errorf("event (-sdk +fast):\n%s", diff)
			}
		})
	}
}
