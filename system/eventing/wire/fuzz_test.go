package wire

import (
	"net/http"
	"testing"

	cloudevents "github.com/cloudevents/sdk-go/v2"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// FuzzDecodeBinaryMatchesSDK checks the broker's fast binary-mode decoder
// against the sdk-go binding on fuzzed headers and bodies: whenever the
// fast path decides, it must accept and reject exactly as the sdk does and
// build the same event; neither may panic.
func FuzzDecodeBinaryMatchesSDK(f *testing.F) {
	f.Add("1.0", "id-1", "/orders", "com.example.order", "application/json", "Ce-Region", "eu", "2026-11-24T19:00:00Z", []byte(`{"a":1}`))
	f.Add("1.0", "", "", "", "", "Ce-Knativebrokerttl", "255", "", []byte{})
	f.Add("1.0", " ", "http://[::1", "t", "text/plain", "Ce-Dataschema", "http://[::1", "yesterday", []byte("x"))
	f.Add("0.3", "i", "/s", "t", "application/cloudevents+json", "Ce-Foo-Bar", "v", "", []byte(`{"specversion":"1.0","id":"s","source":"/x","type":"t"}`))
	f.Add("1.0", "i", "/s", "t", "application/cloudevents-batch+json", "Ce-Data", "", "", []byte(`[]`))
	f.Add("1.0", "i", "/s", "t", "", "Ce-Time", "2026-02-30T25:61:00Z", "", []byte(nil))
	f.Fuzz(func(t *testing.T, version, id, source, typ, contentType, extKey, extVal, tm string, body []byte) {
		h := http.Header{}
		for k, v := range map[string]string{"Ce-Specversion": version, "Ce-Id": id, "Ce-Source": source, "Ce-Type": typ, "Content-Type": contentType, "Ce-Time": tm} {
			if v != "" {
				h[k] = []string{v}
			}
		}
		if extKey != "" {
			h[http.CanonicalHeaderKey(extKey)] = []string{extVal}
		}
		if len(body) == 0 {
			body = nil
		}
		got, ok, gotErr := decodeBinaryV1(h, body)
		want, wantErr := decodeSDK(h, body)
		if !ok {
			return
		}
		if (gotErr != nil) != (wantErr != nil) {
			t.Fatalf("headers %v: error = %v, sdk %v", h, gotErr, wantErr)
		}
		if wantErr != nil {
			return
		}
		if (got.Validate() != nil) != (want.Validate() != nil) {
			t.Fatalf("headers %v: Validate = %v, sdk %v", h, got.Validate(), want.Validate())
		}
		if diff := cmp.Diff(want, got, cmpopts.IgnoreUnexported(cloudevents.Event{})); diff != "" {
			t.Fatalf("headers %v: event (-sdk +fast):\n%s", h, diff)
		}
	})
}
