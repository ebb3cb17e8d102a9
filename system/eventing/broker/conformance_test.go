package broker

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/cloudevents/sdk-go/v2/binding"
	cehttp "github.com/cloudevents/sdk-go/v2/protocol/http"
	"github.com/google/go-cmp/cmp"
	"k8s.io/utils/clock"

	eventingv1 "github.com/knsim/knsim/system/apis/eventing/v1"
	"github.com/knsim/knsim/system/eventing/delivery"
	"github.com/knsim/knsim/system/eventing/filter"
)

// The CloudEvents HTTP binding and JSON format, case by case, through a
// real broker with one catch-all trigger: every valid event is accepted and
// reaches the subscriber with the same attributes, extensions and data;
// every invalid one is answered 400 and reaches nobody.

// received is what the subscriber got: the event as the sdk-go reads it.
type received struct {
	attrs map[string]any
	data  []byte
}

// conformanceBroker runs a broker whose one trigger sends everything to a
// subscriber, and returns the ingress URL and the subscriber's channel.
func conformanceBroker(t *testing.T) (string, <-chan received) {
	t.Helper()
	got := make(chan received, 64)
	sub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ev, err := binding.ToEvent(context.Background(), cehttp.NewMessageFromHttpRequest(r))
		if err != nil {
			t.Errorf("subscriber could not read the delivery: %v", err)
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		attrs := map[string]any{
			"specversion": ev.SpecVersion(), "id": ev.ID(), "type": ev.Type(), "source": ev.Source(),
			"subject": ev.Subject(), "dataschema": ev.DataSchema(), "datacontenttype": ev.DataContentType(),
		}
		if !ev.Time().IsZero() {
			attrs["time"] = ev.Time().UTC().Format(time.RFC3339Nano)
		}
		for k, v := range ev.Extensions() {
			if k != "knativearrivaltime" {
				attrs[k] = v
			}
		}
		got <- received{attrs: attrs, data: ev.Data()}
		w.WriteHeader(http.StatusAccepted)
	}))
	t.Cleanup(sub.Close)

	reg := NewRegistry()
	key := Key{Namespace: "default", Name: "default"}
	reg.SetBroker(key, delivery.NoRetry())
	f, err := filter.ForTrigger(&eventingv1.TriggerSpec{})
	if err != nil {
		t.Fatal(err)
	}
	reg.SetTriggers(key, []Trigger{{Namespace: "default", Name: "all", Filter: f, SubscriberURI: sub.URL}})
	x := delivery.NewDispatcher(clock.RealClock{}, delivery.DispatcherOptions{})
	t.Cleanup(x.Close)
	srv := httptest.NewServer(NewHandler(NewIngress(reg, nil), x, clock.RealClock{}, HandlerOptions{}))
	t.Cleanup(srv.Close)
	return srv.URL + "/default/default", got
}

func post(t *testing.T, url string, header map[string]string, body string) int {
	t.Helper()
	r, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		r.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	return resp.StatusCode
}

func TestConformanceValidEventsArriveIntact(t *testing.T) {
	url, got := conformanceBroker(t)
	structured := map[string]string{"Content-Type": "application/cloudevents+json; charset=utf-8"}
	base := map[string]any{"specversion": "1.0", "id": "1234-1234-1234", "type": "com.example.someevent",
		"source": "/mycontext/subcontext", "subject": "", "dataschema": "", "datacontenttype": ""}
	with := func(kv ...any) map[string]any {
		m := map[string]any{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	}
	tests := []struct {
		name      string
		header    map[string]string
		body      string
		wantAttrs map[string]any
		wantData  string
	}{
		{
			name: "binary, JSON with a charset",
			header: map[string]string{"Ce-Specversion": "1.0", "Ce-Id": "1234-1234-1234", "Ce-Type": "com.example.someevent",
				"Ce-Source": "/mycontext/subcontext", "Ce-Time": "2018-04-05T03:56:24Z", "Content-Type": "application/json; charset=utf-8"},
			body:      `{"message": "Hello World!"}`,
			wantAttrs: with("time", "2018-04-05T03:56:24Z", "datacontenttype", "application/json; charset=utf-8"),
			wantData:  `{"message": "Hello World!"}`,
		},
		{
			name: "binary, no content type and no data",
			header: map[string]string{"Ce-Specversion": "1.0", "Ce-Id": "1234-1234-1234", "Ce-Type": "com.example.someevent",
				"Ce-Source": "/mycontext/subcontext"},
			wantAttrs: with(),
		},
		{
			// Header values pass through as sent: the sdk-go reader, and so
			// Knative's broker, does not percent-decode them.
			name: "binary, an extension and a subject",
			header: map[string]string{"Ce-Specversion": "1.0", "Ce-Id": "1234-1234-1234", "Ce-Type": "com.example.someevent",
				"Ce-Source": "/mycontext/subcontext", "Ce-Comexampleext": "value", "Ce-Subject": "orders/7",
				"Content-Type": "text/plain"},
			body:      "hello",
			wantAttrs: with("comexampleext", "value", "subject", "orders/7", "datacontenttype", "text/plain"),
			wantData:  "hello",
		},
		{
			name:   "structured, JSON data, charset on the content type",
			header: structured,
			body: `{"specversion":"1.0","type":"com.example.someevent","time":"2018-04-05T03:56:24Z","id":"1234-1234-1234",
				"source":"/mycontext/subcontext","datacontenttype":"application/json","data":{"message":"Hello World!"}}`,
			wantAttrs: with("time", "2018-04-05T03:56:24Z", "datacontenttype", "application/json"),
			wantData:  `{"message":"Hello World!"}`,
		},
		{
			name:   "structured, binary data in data_base64",
			header: structured,
			body: `{"specversion":"1.0","id":"1234-1234-1234","type":"com.example.someevent","source":"/mycontext/subcontext",
				"datacontenttype":"application/octet-stream","data_base64":"AAECAwQ="}`,
			wantAttrs: with("datacontenttype", "application/octet-stream"),
			wantData:  "\x00\x01\x02\x03\x04",
		},
		{
			name:   "structured, every optional attribute and typed extensions",
			header: structured,
			body: `{"specversion":"1.0","id":"1234-1234-1234","type":"com.example.someevent","source":"/mycontext/subcontext",
				"subject":"orders/7","dataschema":"https://example.com/schema","time":"2018-04-05T18:31:00+01:00",
				"datacontenttype":"text/plain","data":"text","count":25,"flag":true,"label":"x"}`,
			// Delivery is in binary mode, as Knative's dispatcher sends, so
			// typed extensions arrive in their canonical string form.
			wantAttrs: with("subject", "orders/7", "dataschema", "https://example.com/schema", "time", "2018-04-05T17:31:00Z",
				"datacontenttype", "text/plain", "count", "25", "flag", "true", "label", "x"),
			wantData: "text",
		},
		{
			name:   "structured 0.3 with base64 data",
			header: structured,
			body: `{"specversion":"0.3","id":"1234-1234-1234","type":"com.example.someevent","source":"/mycontext/subcontext",
				"datacontenttype":"application/json","datacontentencoding":"base64","data":"eyJhIjoxfQ=="}`,
			wantAttrs: with("specversion", "0.3", "datacontenttype", "application/json"),
			wantData:  `{"a":1}`,
		},
	}
	// The minimum events of the CloudEvents conformance suite: binary
	// mode, one per data type, data sent and delivered byte for byte.
	for i, m := range []struct{ contentType, data string }{
		{"text/plain; charset=us-ascii", "Hello, World!\n"},
		{"text/plain; charset=utf-8", "Hello, 🌎!\n"},
		{"application/json; charset=utf-8", `"Hello, 🌎!"` + "\n"},
		{"application/json; charset=utf-8", `{"msg":"Hello, 🌎!"}` + "\n"},
		{"application/json; charset=utf-8", `["Hello","🌎!"]` + "\n"},
		{"application/xml; charset=utf-8", "<msg>Hello, 🌎!</msg>\n"},
	} {
		id := fmt.Sprintf("minimum-%04d", i+1)
		tests = append(tests, struct {
			name      string
			header    map[string]string
			body      string
			wantAttrs map[string]any
			wantData  string
		}{
			name: id + " " + m.contentType,
			header: map[string]string{"Ce-Specversion": "1.0", "Ce-Id": id, "Ce-Type": "io.cloudevents.minimum",
				"Ce-Source": "//github.com/knsim/conformance", "Content-Type": m.contentType},
			body: m.data,
			wantAttrs: with("id", id, "type", "io.cloudevents.minimum", "source", "//github.com/knsim/conformance",
				"datacontenttype", m.contentType),
			wantData: m.data,
		})
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if code := post(t, url, tc.header, tc.body); code != http.StatusAccepted {
				t.Fatalf("status = %d, want 202", code)
			}
			select {
			case r := <-got:
				if diff := cmp.Diff(tc.wantAttrs, r.attrs); diff != "" {
					t.Errorf("attributes (-sent +delivered):\n%s", diff)
				}
				if !bytes.Equal([]byte(tc.wantData), r.data) {
					t.Errorf("data = %q, want %q", r.data, tc.wantData)
				}
			case <-time.After(10 * time.Second): // a hang guard, not a wait
				t.Fatal("the event never reached the subscriber")
			}
		})
	}
}

// Empty subject and dataschema values are accepted although the spec asks
// for non-empty ones when present: the sdk-go reader, and so Knative's
// broker, lets them through.
func TestConformanceInvalidEventsAreRefused(t *testing.T) {
	url, got := conformanceBroker(t)
	structured := map[string]string{"Content-Type": "application/cloudevents+json"}
	event := func(fields string) string {
		return `{` + fields + `}`
	}
	const ok = `"specversion":"1.0","id":"invalid","type":"io.cloudevents.test","source":"https://cloudevents.io"`
	tests := []struct {
		name   string
		header map[string]string
		body   string
	}{
		{"no specversion", structured, event(`"id":"invalid","type":"io.cloudevents.test","source":"https://cloudevents.io"`)},
		{"no id", structured, event(`"specversion":"1.0","type":"io.cloudevents.test","source":"https://cloudevents.io"`)},
		{"no type", structured, event(`"specversion":"1.0","id":"invalid","source":"https://cloudevents.io"`)},
		{"no source", structured, event(`"specversion":"1.0","id":"invalid","type":"io.cloudevents.test"`)},
		{"empty id", structured, event(`"specversion":"1.0","id":"","type":"io.cloudevents.test","source":"https://cloudevents.io"`)},
		{"empty type", structured, event(`"specversion":"1.0","id":"invalid","type":"","source":"https://cloudevents.io"`)},
		{"empty source", structured, event(`"specversion":"1.0","id":"invalid","type":"io.cloudevents.test","source":""`)},
		{"empty specversion", structured, event(`"specversion":"","id":"invalid","type":"io.cloudevents.test","source":"https://cloudevents.io"`)},
		{"unknown specversion", structured, event(`"specversion":"0.9","id":"invalid","type":"io.cloudevents.test","source":"https://cloudevents.io"`)},
		{"time is garbage", structured, event(ok + `,"time":"lunchtime"`)},
		{"time to the minute", structured, event(ok + `,"time":"2018-04-05T18:31Z"`)},
		{"time offset out of range", structured, event(ok + `,"time":"2018-04-05T18:31:00+25:00"`)},
		{"time offset of hours only", structured, event(ok + `,"time":"2018-04-05T18:31:00+05"`)},
		{"numeric id", structured, event(`"specversion":"1.0","id":25,"type":"io.cloudevents.test","source":"https://cloudevents.io"`)},
		{"object id", structured, event(`"specversion":"1.0","id":{"xyz":"abc"},"type":"io.cloudevents.test","source":"https://cloudevents.io"`)},
		{"data and data_base64", structured, event(ok + `,"data":"text","data_base64":"eyAieHl6IjogMTIzIH0="}`)},
		{"not JSON", structured, `specversion: 1.0`},
		{"binary, empty id", map[string]string{"Ce-Specversion": "1.0", "Ce-Id": "", "Ce-Type": "t", "Ce-Source": "/s"}, ""},
		{"binary, bad time", map[string]string{"Ce-Specversion": "1.0", "Ce-Id": "1", "Ce-Type": "t", "Ce-Source": "/s", "Ce-Time": "lunchtime"}, ""},
		{"no event at all", map[string]string{"Content-Type": "application/json"}, `{"message":"Hello World!"}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if code := post(t, url, tc.header, tc.body); code != http.StatusBadRequest {
				t.Errorf("status = %d, want 400", code)
			}
		})
	}
	select {
	case r := <-got:
		t.Errorf("an invalid event reached the subscriber: %v", r.attrs)
	default:
	}
}
