package broker

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	cloudevents "github.com/cloudevents/sdk-go/v2"
	"github.com/cloudevents/sdk-go/v2/types"
	"github.com/google/go-cmp/cmp"

	"github.com/knsim/knsim/system/apis/duck"
	eventingv1 "github.com/knsim/knsim/system/apis/eventing/v1"
	"github.com/knsim/knsim/system/eventing"
	"github.com/knsim/knsim/system/eventing/delivery"
	"github.com/knsim/knsim/system/eventing/filter"
)

var now = time.Date(2024, 3, 4, 5, 6, 7, 0, time.UTC)

func newEvent(id, typ string) *cloudevents.Event {
	ev := cloudevents.NewEvent()
	ev.SetID(id)
	ev.SetType(typ)
	ev.SetSource("/source")
	return &ev
}

func newIngress(t *testing.T) *Ingress {
	t.Helper()
	reg := NewRegistry()
	reg.SetBroker(Key{"default", "default"}, delivery.BrokerDefault())
	return NewIngress(reg, nil)
}

func TestAccept(t *testing.T) {
	invalid := cloudevents.NewEvent() // no id, source, type
	tests := []struct {
		name      string
		method    string
		path      string
		ev        *cloudevents.Event
		decodeErr error
		want      Response
	}{
		{name: "accepted", method: "POST", path: "/default/default", ev: newEvent("a", "t"),
			want: Response{Status: 202, Broker: Key{"default", "default"}}},
		{name: "trailing slash", method: "POST", path: "/default/default/", ev: newEvent("a", "t"),
			want: Response{Status: 202, Broker: Key{"default", "default"}}},
		{name: "query ignored", method: "POST", path: "/default/default?x=1", ev: newEvent("a", "t"),
			want: Response{Status: 202, Broker: Key{"default", "default"}}},
		{name: "GET", method: "GET", path: "/default/default", want: Response{Status: 405, Reason: ReasonMethod}},
		{name: "PUT", method: "PUT", path: "/default/default", ev: newEvent("a", "t"), want: Response{Status: 405, Reason: ReasonMethod}},
		{name: "OPTIONS handshake", method: "OPTIONS", path: "/default/default", want: Response{Status: 200}},
		{name: "root", method: "POST", path: "/", ev: newEvent("a", "t"), want: Response{Status: 404, Reason: ReasonPath}},
		{name: "one segment", method: "POST", path: "/default", ev: newEvent("a", "t"), want: Response{Status: 400, Reason: ReasonPath}},
		{name: "three segments", method: "POST", path: "/a/b/c", ev: newEvent("a", "t"), want: Response{Status: 400, Reason: ReasonPath}},
		{name: "unknown broker", method: "POST", path: "/default/other", ev: newEvent("a", "t"),
			want: Response{Status: 404, Reason: ReasonUnknownBroker, Broker: Key{"default", "other"}}},
		{name: "not a cloudevent", method: "POST", path: "/default/default", decodeErr: errors.New("no specversion"),
			want: Response{Status: 400, Reason: ReasonInvalidEvent, Broker: Key{"default", "default"}}},
		{name: "invalid cloudevent", method: "POST", path: "/default/default", ev: &invalid,
			want: Response{Status: 400, Reason: ReasonInvalidEvent, Broker: Key{"default", "default"}}},
		{name: "too large", method: "POST", path: "/default/default", decodeErr: fmt.Errorf("read: %w", eventing.ErrBodyTooLarge),
			want: Response{Status: 413, Reason: ReasonTooLarge, Broker: Key{"default", "default"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := newIngress(t)
			got := in.Accept(now, tc.method, tc.path, tc.ev, tc.decodeErr)
			got.Event = nil
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Accept (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAcceptStampsTTLAndArrival(t *testing.T) {
	tests := []struct {
		name       string
		ttl        any // nil: no TTL extension
		wantStatus int
		wantTTL    int32
	}{
		{name: "missing TTL defaults to 255", ttl: nil, wantStatus: 202, wantTTL: 255},
		{name: "decremented", ttl: 10, wantStatus: 202, wantTTL: 9},
		{name: "string TTL from binary mode", ttl: "200", wantStatus: 202, wantTTL: 199},
		{name: "garbage TTL defaults", ttl: "lots", wantStatus: 202, wantTTL: 255},
		{name: "TTL 1 is dropped", ttl: 1, wantStatus: 400, wantTTL: 0},
		{name: "TTL 0 is dropped", ttl: 0, wantStatus: 400, wantTTL: 0},
		{name: "negative TTL is dropped", ttl: -3, wantStatus: 400, wantTTL: 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := newIngress(t)
			ev := newEvent("a", "t")
			if tc.ttl != nil {
				if err := ev.Context.SetExtension(TTLExtension, tc.ttl); err != nil {
					t.Fatal(err)
				}
			}
			r := in.Accept(now, "POST", "/default/default", ev, nil)
			if r.Status != tc.wantStatus {
				t.Fatalf("status = %d, want %d", r.Status, tc.wantStatus)
			}
			ttl, _ := GetTTL(ev)
			if ttl != tc.wantTTL {
				t.Errorf("ttl = %d, want %d", ttl, tc.wantTTL)
			}
			at, err := types.ToTime(ev.Extensions()[ArrivalTimeExtension])
			if err != nil || !at.Equal(now) {
				t.Errorf("arrival time = %v, %v; want %v", at, err, now)
			}
			s := in.Counters().Snapshot()
			wantAccepted, wantDropped := int64(1), int64(0)
			if tc.wantStatus != 202 {
				wantAccepted, wantDropped = 0, 1
			}
			if s.Accepted != wantAccepted || s.DroppedTTL != wantDropped {
				t.Errorf("accepted %d dropped %d, want %d %d", s.Accepted, s.DroppedTTL, wantAccepted, wantDropped)
			}
		})
	}
}

func TestRejectCounters(t *testing.T) {
	in := newIngress(t)
	in.Accept(now, "GET", "/default/default", nil, nil)
	in.Accept(now, "DELETE", "/default/default", nil, nil)
	in.Accept(now, "POST", "/x/y", newEvent("a", "t"), nil)
	in.Accept(now, "POST", "/default/default", nil, errors.New("bad"))
	in.Accept(now, "POST", "/default/default", nil, eventing.ErrBodyTooLarge)
	in.Accept(now, "POST", "/", nil, nil)
	in.Accept(now, "POST", "/default/default", newEvent("a", "t"), nil)
	want := Snapshot{
		Accepted: 1,
		Rejected: map[Reason]int64{ReasonMethod: 2, ReasonUnknownBroker: 1, ReasonInvalidEvent: 1, ReasonTooLarge: 1, ReasonPath: 1},
	}
	if diff := cmp.Diff(want, in.Counters().Snapshot()); diff != "" {
		t.Errorf("counters (-want +got):\n%s", diff)
	}
}

func TestFanout(t *testing.T) {
	reg := NewRegistry()
	key := Key{"ns", "b"}
	reg.SetBroker(key, delivery.BrokerDefault())
	mustFilter := func(spec eventingv1.TriggerSpec) *filter.Filter {
		f, err := filter.ForTrigger(&spec)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	own := delivery.Policy{Retry: 1, DeadLetterURI: "http://dls/"}
	reg.SetTriggers(key, []Trigger{
		{Name: "all", SubscriberURI: "http://all/"},
		{Name: "created", SubscriberURI: "http://created/", Delivery: &own,
			Filter: mustFilter(eventingv1.TriggerSpec{Filter: &eventingv1.TriggerFilter{Attributes: map[string]string{"type": "created"}}})},
		{Name: "deleted", SubscriberURI: "http://deleted/",
			Filter: mustFilter(eventingv1.TriggerSpec{Filters: []eventingv1.SubscriptionsAPIFilter{{Exact: map[string]string{"type": "deleted"}}}})},
		{Name: "no-ttl-filter", SubscriberURI: "http://ttl/",
			Filter: mustFilter(eventingv1.TriggerSpec{Filters: []eventingv1.SubscriptionsAPIFilter{{CESQL: "EXISTS knativebrokerttl"}}})},
	})
	in := NewIngress(reg, nil)
	r := in.Accept(now, "POST", "/ns/b", newEvent("e1", "created"), nil)
	ds := in.Fanout(r)
	type got struct {
		Trigger, Target string
		Retry           int
		DLS             string
		TTL             int32
		HasTTL          bool
	}
	var gots []got
	for _, d := range ds {
		_, has := GetTTL(d.Delivery.Event())
		gots = append(gots, got{d.Trigger.Name, d.Delivery.Target(), d.Delivery.Policy().Retry, d.Delivery.Policy().DeadLetterURI, d.TTL, has})
	}
	want := []got{
		{Trigger: "all", Target: "http://all/", Retry: 10, TTL: 255},
		{Trigger: "created", Target: "http://created/", Retry: 1, DLS: "http://dls/", TTL: 255},
	}
	if diff := cmp.Diff(want, gots); diff != "" {
		t.Errorf("fan-out (-want +got):\n%s", diff)
	}
	if _, ok := GetTTL(r.Event); ok {
		t.Error("fan-out removes the TTL from the event it takes")
	}
	s := in.Counters().Snapshot()
	if s.FilteredOut != 2 || s.Dispatched != 2 {
		t.Errorf("filtered out %d dispatched %d, want 2 2", s.FilteredOut, s.Dispatched)
	}
	if ds := in.Fanout(Response{Status: 400}); ds != nil {
		t.Errorf("rejected responses fan out to nothing, got %d", len(ds))
	}
}

func TestReplyTTLLoop(t *testing.T) {
	in := newIngress(t)
	reg := in.Registry()
	key := Key{"default", "default"}
	reg.SetTriggers(key, []Trigger{{Name: "echo", SubscriberURI: "http://echo/"}})
	r := in.Accept(now, "POST", "/default/default", newEvent("e0", "ping"), nil)
	passes := 0
	for r.Accepted() {
		ds := in.Fanout(r)
		if len(ds) != 1 {
			t.Fatalf("pass %d: %d dispatches", passes, len(ds))
		}
		passes++
		// The subscriber answers every event with a reply of the same type.
		r = in.Reply(now, ds[0], newEvent(fmt.Sprintf("e%d", passes), "ping"))
	}
	if r.Status != http.StatusBadRequest || r.Reason != ReasonTTL {
		t.Errorf("last reply: %d %q, want 400 ttl", r.Status, r.Reason)
	}
	s := in.Counters().Snapshot()
	want := Snapshot{Accepted: 255, DroppedTTL: 1, Dispatched: 255, Replies: 255, Rejected: map[Reason]int64{}}
	if diff := cmp.Diff(want, s); diff != "" {
		t.Errorf("counters (-want +got):\n%s", diff)
	}
	if passes != 255 {
		t.Errorf("passes = %d, want 255", passes)
	}
}

func TestFromAPI(t *testing.T) {
	retry := int32(2)
	tr := &eventingv1.Trigger{}
	tr.Namespace, tr.Name = "ns", "t1"
	tr.Spec.Filters = []eventingv1.SubscriptionsAPIFilter{{Prefix: map[string]string{"type": "dev."}}}
	tr.Spec.Delivery = &duck.DeliverySpec{Retry: &retry}
	got, err := TriggerFromAPI(tr, "http://sub/", "http://dls/")
	if err != nil {
		t.Fatal(err)
	}
	if got.SubscriberURI != "http://sub/" || got.Delivery == nil || got.Delivery.Retry != 2 || got.Delivery.DeadLetterURI != "http://dls/" {
		t.Errorf("trigger = %+v (delivery %+v)", got, got.Delivery)
	}
	if got.Filter.Match(*newEvent("a", "dev.x")) != filter.Pass {
		t.Error("compiled filter should pass dev.x")
	}
	tr.Spec.Filters = []eventingv1.SubscriptionsAPIFilter{{CESQL: "type ="}}
	if _, err := TriggerFromAPI(tr, "http://sub/", ""); err == nil {
		t.Error("bad CESQL should fail")
	}
	b := &eventingv1.Broker{}
	bb, err := BrokerFromAPI(b, "")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(delivery.BrokerDefault(), bb.Delivery); diff != "" {
		t.Errorf("broker default delivery (-want +got):\n%s", diff)
	}
}

func TestRegistry(t *testing.T) {
	reg := NewRegistry()
	k := Key{"a", "b"}
	if reg.SetTriggers(k, []Trigger{{Name: "x"}}) {
		t.Error("SetTriggers on an unknown broker must report false")
	}
	reg.SetBroker(k, delivery.NoRetry())
	if !reg.SetTriggers(k, []Trigger{{Name: "x"}}) {
		t.Error("SetTriggers on a known broker must report true")
	}
	reg.SetBroker(k, delivery.BrokerDefault())
	b, ok := reg.Lookup(k)
	if !ok || len(b.Triggers) != 1 || b.Delivery.Retry != 10 {
		t.Errorf("SetBroker must keep triggers: %+v", b)
	}
	reg.DeleteBroker(k)
	if _, ok := reg.Lookup(k); ok || len(reg.Keys()) != 0 {
		t.Error("DeleteBroker")
	}
}

// parsePathSplit is ParsePath as first written, with strings.Split: the
// reference the allocation-free ParsePath must agree with.
func parsePathSplit(path string) (Key, int) {
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	if path == "/" || path == "" {
		return Key{}, http.StatusNotFound
	}
	parts := strings.Split(strings.TrimSuffix(path, "/"), "/")
	if len(parts) != 3 || parts[0] != "" {
		return Key{}, http.StatusBadRequest
	}
	return Key{Namespace: parts[1], Name: parts[2]}, 0
}

func TestParsePath(t *testing.T) {
	tests := []struct {
		path   string
		want   Key
		status int
	}{
		{"/ns/b", Key{"ns", "b"}, 0},
		{"/ns/b/", Key{"ns", "b"}, 0},
		{"/ns/b?x=1", Key{"ns", "b"}, 0},
		{"/ns/b/?x=1", Key{"ns", "b"}, 0},
		{"/", Key{}, 404},
		{"", Key{}, 404},
		{"?x", Key{}, 404},
		{"/?x", Key{}, 404},
		{"/ns", Key{}, 400},
		{"/ns/", Key{}, 400},
		{"/ns/b/c", Key{}, 400},
		{"/ns/b//", Key{}, 400},
		{"//b", Key{"", "b"}, 0},
		{"/ns//", Key{"ns", ""}, 0},
		{"//", Key{}, 400},
		{"///", Key{"", ""}, 0},
		{"ns/b", Key{}, 400},
		{"ns/b/c", Key{}, 400},
		{"x/ns/b", Key{}, 400},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			key, status := ParsePath(tc.path)
			if key != tc.want || status != tc.status {
				t.Errorf("ParsePath(%q) = %v, %d; want %v, %d", tc.path, key, status, tc.want, tc.status)
			}
			if rk, rs := parsePathSplit(tc.path); rk != key || rs != status {
				t.Errorf("ParsePath(%q) = %v, %d; the Split version says %v, %d", tc.path, key, status, rk, rs)
			}
		})
	}
}

// setExtension leaves events exactly as the sdk's SetExtension does.
func TestSetExtensionMatchesSDK(t *testing.T) {
	at := types.Timestamp{Time: now}
	tests := []struct {
		name    string
		version string
		before  map[string]any
		key     string
		value   any
	}{
		{"v1 first extension", "1.0", nil, TTLExtension, int32(3)},
		{"v1 add", "1.0", map[string]any{"a": "b"}, ArrivalTimeExtension, at},
		{"v1 replace", "1.0", map[string]any{TTLExtension: int32(9)}, TTLExtension, int32(300)},
		{"v1 delete last", "1.0", map[string]any{TTLExtension: int32(9)}, TTLExtension, nil},
		{"v1 delete one", "1.0", map[string]any{TTLExtension: int32(9), "a": "b"}, TTLExtension, nil},
		{"v1 delete missing", "1.0", nil, TTLExtension, nil},
		{"v03 add", "0.3", nil, ArrivalTimeExtension, at},
		{"v03 delete last", "0.3", map[string]any{TTLExtension: int32(1)}, TTLExtension, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mk := func() *cloudevents.Event {
				e := cloudevents.NewEvent(tc.version)
				e.SetID("x")
				e.SetSource("/s")
				e.SetType("t")
				for k, v := range tc.before {
					e.SetExtension(k, v)
				}
				return &e
			}
			want, got := mk(), mk()
			if err := want.Context.SetExtension(tc.key, tc.value); err != nil {
				t.Fatal(err)
			}
			setExtension(got, tc.key, tc.value)
			if diff := cmp.Diff(want.Context, got.Context); diff != "" {
				t.Errorf("context (-sdk +setExtension):\n%s", diff)
			}
		})
	}
}
