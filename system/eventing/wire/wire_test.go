package wire

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	cloudevents "github.com/cloudevents/sdk-go/v2"
	"github.com/google/go-cmp/cmp"

	"github.com/knsim/knsim/system/eventing"
)

func TestReadRequest(t *testing.T) {
	binary := map[string]string{"Ce-Specversion": "1.0", "Ce-Id": "1", "Ce-Type": "t", "Ce-Source": "/s", "Ce-Myext": "v", "Content-Type": "text/plain"}
	binary03 := map[string]string{"Ce-Specversion": "0.3", "Ce-Id": "1", "Ce-Type": "t", "Ce-Source": "/s", "Ce-Myext": "v", "Content-Type": "text/plain"}
	structured := map[string]string{"Content-Type": "application/cloudevents+json"}
	tests := []struct {
		name    string
		header  map[string]string
		body    string
		limit   int64
		want    string // "specversion id myext data" or the error class
		wantErr error
	}{
		{name: "binary 1.0", header: binary, body: "hi", want: "1.0 1 v hi"},
		{name: "binary 0.3", header: binary03, body: "hi", want: "0.3 1 v hi"},
		{name: "structured 1.0", header: structured, body: `{"specversion":"1.0","id":"1","type":"t","source":"/s","myext":"v","datacontenttype":"text/plain","data":"hi"}`, want: "1.0 1 v hi"},
		{name: "structured 0.3", header: structured, body: `{"specversion":"0.3","id":"1","type":"t","source":"/s","myext":"v","datacontenttype":"text/plain","data":"hi"}`, want: "0.3 1 v hi"},
		{name: "plain request", header: map[string]string{"Content-Type": "text/plain"}, body: "hi", wantErr: ErrNotCloudEvent},
		{name: "too large", header: binary, body: strings.Repeat("x", 11), limit: 10, wantErr: eventing.ErrBodyTooLarge},
		{name: "exactly the limit", header: binary, body: strings.Repeat("x", 10), limit: 10, want: "1.0 1 v xxxxxxxxxx"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/", strings.NewReader(tc.body))
			for k, v := range tc.header {
				r.Header.Set(k, v)
			}
			ev, err := ReadRequest(r, tc.limit)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("err = %v, want %v", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := ev.SpecVersion() + " " + ev.ID() + " " + ev.Extensions()["myext"].(string) + " " + string(ev.Data())
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestRoundTripAndResponses(t *testing.T) {
	tests := []struct {
		name    string
		handler http.HandlerFunc
		want    string // status reply body replyErr
	}{
		{name: "event reply", handler: func(w http.ResponseWriter, r *http.Request) {
			ev, err := ReadRequest(r, 0)
			if err != nil {
				http.Error(w, err.Error(), 400)
				return
			}
			reply := cloudevents.NewEvent()
			reply.SetID("re-" + ev.ID())
			reply.SetType("t")
			reply.SetSource("/r")
			_ = WriteEvent(w, &reply, http.StatusOK)
		}, want: "200 re-e1  false"},
		{name: "plain body", handler: func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.WriteString(w, "ok")
		}, want: "200  ok false"},
		{name: "broken event", handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Ce-Specversion", "1.0")
			w.WriteHeader(200)
		}, want: "200   true"},
		{name: "failure keeps body and Retry-After", handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "3")
			w.WriteHeader(503)
			_, _ = io.WriteString(w, "busy")
		}, want: "503  busy false 3"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(tc.handler)
			defer srv.Close()
			ev := cloudevents.NewEvent()
			ev.SetID("e1")
			ev.SetType("t")
			ev.SetSource("/s")
			req, err := NewRequest(context.Background(), srv.URL, &ev)
			if err != nil {
				t.Fatal(err)
			}
			if req.Header.Get("Ce-Id") != "e1" {
				t.Errorf("binary mode expected, headers %v", req.Header)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			r := ReadResponse(resp, 0)
			id := ""
			if r.Reply != nil {
				id = r.Reply.ID()
			}
			got := strings.TrimSpace(fmt.Sprintf("%d %s %s %t %s", r.Status, id, r.Body, r.ReplyErr != nil, r.RetryAfter))
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// readBody gives the same bytes and errors whether or not the length is
// announced, and whether or not the announcement is right.
func TestReadBody(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		length  int64
		limit   int64
		want    string
		tooBig  bool
		failing bool
	}{
		{name: "exact", body: "hello", length: 5, limit: 10, want: "hello"},
		{name: "unknown length", body: "hello", length: -1, limit: 10, want: "hello"},
		{name: "at the limit", body: "hello", length: 5, limit: 5, want: "hello"},
		{name: "unknown length at the limit", body: "hello", length: -1, limit: 5, want: "hello"},
		{name: "over the limit", body: "hello!", length: 6, limit: 5, tooBig: true},
		{name: "unknown length over the limit", body: "hello!", length: -1, limit: 5, tooBig: true},
		{name: "longer than announced", body: "hello world", length: 5, limit: 20, want: "hello world"},
		{name: "longer than announced, over the limit", body: "hello world", length: 5, limit: 8, tooBig: true},
		{name: "one more than announced at the limit", body: "hello!", length: 5, limit: 5, tooBig: true},
		{name: "shorter than announced", body: "hel", length: 5, limit: 10, failing: true},
		{name: "empty", body: "", length: 0, limit: 10, want: ""},
		{name: "empty unknown length", body: "", length: -1, limit: 10, want: ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := readBody(strings.NewReader(tc.body), tc.length, tc.limit)
			switch {
			case tc.tooBig:
				if !errors.Is(err, eventing.ErrBodyTooLarge) {
					t.Fatalf("err = %v, want ErrBodyTooLarge", err)
				}
			case tc.failing:
				if err == nil {
					t.Fatalf("no error, got %q", got)
				}
			case err != nil:
				t.Fatal(err)
			case string(got) != tc.want || (tc.want == "" && got != nil):
				t.Errorf("body = %q, want %q", got, tc.want)
			}
		})
	}
	// A MaxBytesReader's limit is reported as too large too.
	r := http.MaxBytesReader(nil, io.NopCloser(strings.NewReader("hello")), 3)
	if _, err := readBody(r, 5, 10); !errors.Is(err, eventing.ErrBodyTooLarge) {
		t.Errorf("MaxBytesReader: err = %v, want ErrBodyTooLarge", err)
	}
}
