package broker

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"

	clocktesting "k8s.io/utils/clock/testing"

	"github.com/knsim/knsim/system/eventing/delivery"
)

// FuzzIngressDecode sends fuzzed CloudEvents to the broker ingress in
// binary mode (Ce- headers) or structured mode (the body as
// application/cloudevents+json, or any content type): the handler must
// not panic, must answer 202, 400 or 413 only, and must count every
// answer.
func FuzzIngressDecode(f *testing.F) {
	f.Add(false, "1.0", "id-1", "/orders", "com.example.order", "application/json", "Ce-Region", "eu", []byte(`{"a":1}`))
	f.Add(false, "0.3", "id-1", "/orders", "com.example.order", "text/plain", "Ce-Knativebrokerttl", "1", []byte("hi"))
	f.Add(false, "1.0", "id-1", "/orders", "t", "", "Ce-Knativebrokerttl", "-5", []byte(nil))
	f.Add(false, "1.0", "", "http://[::1", "", "", "Ce-Time", "yesterday", []byte(nil))
	f.Add(true, "", "", "", "", "application/cloudevents+json", "", "", []byte(`{"specversion":"1.0","id":"s","source":"/x","type":"t","data":{"a":1}}`))
	f.Add(true, "", "", "", "", "application/cloudevents+json; charset=utf-8", "", "", []byte(`{"specversion":"0.3","id":"s","source":"/x","type":"t","datacontentencoding":"base64","data":"aGk="}`))
	f.Add(true, "", "", "", "", "application/cloudevents+json", "", "", []byte(`{"specversion":"1.0","id":"s","source":"/x","type":"t","data_base64":"!!"}`))
	f.Add(true, "", "", "", "", "application/cloudevents+json", "", "", []byte(`{"specversion":"1.0","id":"s","source":"/x","type":"t","knativebrokerttl":"9999999999999"}`))
	f.Add(true, "", "", "", "", "application/cloudevents-batch+json", "", "", []byte(`[{"specversion":"1.0"}]`))
	f.Add(true, "", "", "", "", "application/cloudevents+json", "", "", []byte(`{"specversion":`))
	f.Add(true, "", "", "", "", "application/json", "", "", bytes.Repeat([]byte("["), 10000))
	reg := NewRegistry()
	reg.SetBroker(Key{"default", "default"}, delivery.NoRetry())
	in := NewIngress(reg, nil)
	clk := clocktesting.NewFakeClock(now)
	x := delivery.NewDispatcher(clk, delivery.DispatcherOptions{})
	f.Cleanup(x.Close)
	h, err := NewBoundedHandler(in, x, clk, HandlerOptions{MaxBodyBytes: 64 << 10})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, structured bool, version, id, source, typ, contentType, extKey, extVal string, body []byte) {
		req := httptest.NewRequest(http.MethodPost, "http://broker/default/default", bytes.NewReader(body))
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		if !structured {
			for k, v := range map[string]string{"Ce-Specversion": version, "Ce-Id": id, "Ce-Source": source, "Ce-Type": typ} {
				if v != "" {
					req.Header.Set(k, v)
				}
			}
			if extKey != "" && len(extKey) < 64 {
				req.Header.Set("Ce-"+extKey, extVal)
			}
		}
		before := in.Counters().Snapshot()
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		switch rec.Code {
		case http.StatusAccepted, http.StatusBadRequest, http.StatusRequestEntityTooLarge:
		default:
			t.Fatalf("status %d for headers %v", rec.Code, req.Header)
		}
		after := in.Counters().Snapshot()
		counted := after.Accepted - before.Accepted + after.DroppedTTL - before.DroppedTTL
		for r, n := range after.Rejected {
			counted += n - before.Rejected[r]
		}
		if counted != 1 {
			t.Fatalf("status %d counted %d times", rec.Code, counted)
		}
	})
}
