package delivery

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	cloudevents "github.com/cloudevents/sdk-go/v2"
	"github.com/google/go-cmp/cmp"

	"github.com/knsim/knsim/system/apis/duck"
)

func newEvent(id string) *cloudevents.Event {
	ev := cloudevents.NewEvent()
	ev.SetID(id)
	ev.SetType("dev.knsim.test")
	ev.SetSource("/test")
	return &ev
}

// step is one attempt fed to a Delivery and the decision expected back
// (only the fields named in want are compared).
type step struct {
	attempt Attempt
	want    Decision
}

var t0 = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// summary keeps the comparable parts of a decision.
type summary struct {
	Action        Action
	Wait          time.Duration
	Status        int
	Attempts      int
	HasReply      bool
	DeadLetterURI string
}

func summarize(d Decision) summary {
	return summary{d.Action, d.Wait, d.Status, d.Attempts, d.Reply != nil, d.DeadLetterURI}
}

func TestDeliveryStateMachine(t *testing.T) {
	exp := Policy{Retry: 3, BackoffPolicy: duck.BackoffPolicyExponential, BackoffDelay: 100 * time.Millisecond}
	withDLS := exp
	withDLS.DeadLetterURI = "http://dls/"
	reply := newEvent("reply")
	tests := []struct {
		name   string
		policy Policy
		opts   Options
		steps  []Attempt
		want   []summary
	}{
		{name: "success first try", policy: exp, steps: []Attempt{{Status: 202}},
			want: []summary{{Action: Done, Status: 202, Attempts: 1}}},
		{name: "no retry policy drops on 503", policy: NoRetry(), steps: []Attempt{{Status: 503}},
			want: []summary{{Action: Drop, Status: 503, Attempts: 1}}},
		{name: "two 503 then 200", policy: exp, steps: []Attempt{{Status: 503}, {Status: 503}, {Status: 200}},
			want: []summary{
				{Action: Retry, Wait: 100 * time.Millisecond, Status: 503, Attempts: 1},
				{Action: Retry, Wait: 200 * time.Millisecond, Status: 503, Attempts: 2},
				{Action: Done, Status: 200, Attempts: 3},
			}},
		{name: "exhausted without sink drops", policy: exp, steps: []Attempt{{Status: 500}, {Status: 500}, {Status: 500}, {Status: 500}},
			want: []summary{
				{Action: Retry, Wait: 100 * time.Millisecond, Status: 500, Attempts: 1},
				{Action: Retry, Wait: 200 * time.Millisecond, Status: 500, Attempts: 2},
				{Action: Retry, Wait: 400 * time.Millisecond, Status: 500, Attempts: 3},
				{Action: Drop, Status: 500, Attempts: 4},
			}},
		{name: "exhausted with sink dead-letters", policy: withDLS, steps: []Attempt{{Status: 404}, {Status: 408}, {Status: 409}, {Status: 429}},
			want: []summary{
				{Action: Retry, Wait: 100 * time.Millisecond, Status: 404, Attempts: 1},
				{Action: Retry, Wait: 200 * time.Millisecond, Status: 408, Attempts: 2},
				{Action: Retry, Wait: 400 * time.Millisecond, Status: 409, Attempts: 3},
				{Action: DeadLetter, Status: 429, Attempts: 4, DeadLetterURI: "http://dls/"},
			}},
		{name: "400 is final", policy: withDLS, steps: []Attempt{{Status: 400}},
			want: []summary{{Action: DeadLetter, Status: 400, Attempts: 1, DeadLetterURI: "http://dls/"}}},
		{name: "3xx is final", policy: exp, steps: []Attempt{{Status: 302}},
			want: []summary{{Action: Drop, Status: 302, Attempts: 1}}},
		{name: "transport error retried as 500", policy: exp, steps: []Attempt{{Err: errors.New("connection refused")}, {Status: 204}},
			want: []summary{
				{Action: Retry, Wait: 100 * time.Millisecond, Status: 500, Attempts: 1},
				{Action: Done, Status: 204, Attempts: 2},
			}},
		{name: "reply event", policy: exp, steps: []Attempt{{Status: 200, Reply: reply}},
			want: []summary{{Action: Done, Status: 200, Attempts: 1, HasReply: true}}},
		{name: "non-event body is a 502 failure", policy: exp, steps: []Attempt{{Status: 200, Body: []byte("hello")}, {Status: 200}},
			want: []summary{
				{Action: Retry, Wait: 100 * time.Millisecond, Status: 502, Attempts: 1},
				{Action: Done, Status: 200, Attempts: 2},
			}},
		{name: "undecodable reply is a 502 failure", policy: NoRetry(), steps: []Attempt{{Status: 200, ReplyErr: errors.New("bad"), Body: []byte("{")}},
			want: []summary{{Action: Drop, Status: 502, Attempts: 1}}},
		{name: "channel discards non-event body", policy: exp, opts: Options{DiscardNonEventReply: true},
			steps: []Attempt{{Status: 200, Body: []byte("hello")}},
			want:  []summary{{Action: Done, Status: 200, Attempts: 1}}},
		{name: "dead letter sink replies are ignored", policy: NoRetry(), opts: Options{Kind: ToDeadLetter},
			steps: []Attempt{{Status: 200, Reply: reply}},
			want:  []summary{{Action: Done, Status: 200, Attempts: 1}}},
		{name: "retry-after honoured", policy: Policy{Retry: 1, RetryAfterMax: ptr(time.Minute)},
			steps: []Attempt{{Status: 429, RetryAfter: "7"}, {Status: 202}},
			want: []summary{
				{Action: Retry, Wait: 7 * time.Second, Status: 429, Attempts: 1},
				{Action: Done, Status: 202, Attempts: 2},
			}},
		{name: "final decision repeats", policy: NoRetry(), steps: []Attempt{{Status: 202}, {Status: 500}},
			want: []summary{{Action: Done, Status: 202, Attempts: 1}, {Action: Done, Status: 202, Attempts: 1}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := New(newEvent("e1"), "http://subscriber/", tc.policy, tc.opts)
			var got []summary
			for _, a := range tc.steps {
				got = append(got, summarize(d.Next(t0, a)))
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("decisions (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDeadLetterExtensions(t *testing.T) {
	long := []byte(strings.Repeat("x", 2000))
	tests := []struct {
		name     string
		attempt  Attempt
		wantCode int32
		wantData string
	}{
		{name: "http status and body", attempt: Attempt{Status: 503, Body: []byte("overloaded")},
			wantCode: 503, wantData: base64.StdEncoding.EncodeToString([]byte("overloaded"))},
		{name: "empty body", attempt: Attempt{Status: 400}, wantCode: 400, wantData: ""},
		{name: "transport error is 500", attempt: Attempt{Err: errors.New("dial tcp: refused")},
			wantCode: 500, wantData: base64.StdEncoding.EncodeToString([]byte("dispatch error: dial tcp: refused"))},
		{name: "body truncated to 1024 base64 chars", attempt: Attempt{Status: 500, Body: long},
			wantCode: 500, wantData: base64.StdEncoding.EncodeToString(long)[:1024]},
		{name: "non-event reply is 502", attempt: Attempt{Status: 200, Body: []byte("not an event")},
			wantCode: 502, wantData: base64.StdEncoding.EncodeToString([]byte("not an event"))},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			orig := newEvent("e1")
			orig.SetExtension("myext", "v")
			d := New(orig, "http://sub.default.svc/path", Policy{DeadLetterURI: "http://dls/"}, Options{})
			dec := d.Next(t0, tc.attempt)
			if dec.Action != DeadLetter {
				t.Fatalf("action = %v", dec.Action)
			}
			want := map[string]any{
				"myext":            "v",
				"knativeerrordest": "http://sub.default.svc/path",
				"knativeerrorcode": tc.wantCode,
				"knativeerrordata": tc.wantData,
			}
			if diff := cmp.Diff(want, dec.DeadLetter.Extensions()); diff != "" {
				t.Errorf("extensions (-want +got):\n%s", diff)
			}
			if len(tc.wantData) > 1024 {
				t.Fatal("test data too long")
			}
			if _, ok := orig.Extensions()["knativeerrorcode"]; ok {
				t.Error("the original event must not be modified")
			}
			if dec.DeadLetter.ID() != "e1" {
				t.Errorf("dead letter keeps the id, got %q", dec.DeadLetter.ID())
			}
			dl := d.DeadLetterDelivery(dec)
			if dl.Kind() != ToDeadLetter || dl.Target() != "http://dls/" || dl.Policy().DeadLetterURI != "" {
				t.Errorf("dead letter delivery = %v %q %+v", dl.Kind(), dl.Target(), dl.Policy())
			}
			if got := dl.Next(t0, Attempt{Status: 500}); got.Action != Drop {
				t.Errorf("failed dead letter delivery: %v, want Drop", got.Action)
			}
		})
	}
}

func TestReplyDeadLettersOriginal(t *testing.T) {
	orig := newEvent("orig")
	reply := newEvent("reply")
	d := New(reply, "http://reply/", Policy{DeadLetterURI: "http://dls/"}, Options{Kind: ToReply, DeadLetterEvent: orig})
	dec := d.Next(t0, Attempt{Status: 500})
	if dec.Action != DeadLetter || dec.DeadLetter.ID() != "orig" {
		t.Fatalf("got %v with event %q, want the original dead-lettered", dec.Action, dec.DeadLetter.ID())
	}
	if got := dec.DeadLetter.Extensions()["knativeerrordest"]; got != "http://reply/" {
		t.Errorf("knativeerrordest = %v", got)
	}
}

func TestErrorData(t *testing.T) {
	if got := ErrorData(make([]byte, 767)); len(got) != 1024 {
		t.Errorf("767 bytes encode to %d chars, want 1024 (no truncation needed)", len(got))
	}
	if got := ErrorData(make([]byte, 768)); len(got) != 1024 {
		t.Errorf("768 bytes: got %d chars, want truncation to 1024", len(got))
	}
}
