package resources

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/knsim/knsim/system/apis/duck"
	sourcesv1 "github.com/knsim/knsim/system/apis/sources/v1"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func TestDue(t *testing.T) {
	every, err := sourcesv1.ParseSchedule("*/1 * * * *", "")
	if err != nil {
		t.Fatal(err)
	}
	madrid, err := sourcesv1.ParseSchedule("0 9 * * *", "Europe/Madrid")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		from, now time.Time
		sched     interface{ Next(time.Time) time.Time }
		wantDue   time.Time
		wantOK    bool
		wantNext  time.Time
	}{{
		name: "nothing due yet", sched: every, from: t0, now: t0.Add(30 * time.Second),
		wantNext: t0.Add(time.Minute),
	}, {
		name: "exactly due", sched: every, from: t0, now: t0.Add(time.Minute),
		wantDue: t0.Add(time.Minute), wantOK: true, wantNext: t0.Add(2 * time.Minute),
	}, {
		name: "after an outage only the latest missed instant", sched: every, from: t0, now: t0.Add(10*time.Minute + time.Second),
		wantDue: t0.Add(10 * time.Minute), wantOK: true, wantNext: t0.Add(11 * time.Minute),
	}, {
		name: "timezone", sched: madrid, from: t0, now: t0,
		wantNext: time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC), // 09:00 CET
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			due, ok, next := Due(tc.sched, tc.from, tc.now)
			if ok != tc.wantOK || !due.Equal(tc.wantDue) || !next.Equal(tc.wantNext) {
				t.Errorf("Due = (%v, %v, %v), want (%v, %v, %v)", due, ok, next, tc.wantDue, tc.wantOK, tc.wantNext)
			}
		})
	}
}

func TestMakeEvent(t *testing.T) {
	s := &sourcesv1.PingSource{
		ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "ping", UID: "u1"},
		Spec: sourcesv1.PingSourceSpec{
			SourceSpec: duck.SourceSpec{CloudEventOverrides: &duck.CloudEventOverrides{Extensions: map[string]string{"team": "a"}}},
			Data:       `{"message": "hi"}`, ContentType: "application/json",
		},
	}
	ev, err := MakeEvent(s, t0.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]any{
		"type": ev.Type(), "source": ev.Source(), "time": ev.Time(), "data": string(ev.Data()),
		"contentType": ev.DataContentType(), "team": ev.Extensions()["team"], "specversion": ev.SpecVersion(),
	}
	want := map[string]any{
		"type": "dev.knative.sources.ping", "source": "/apis/v1/namespaces/default/pingsources/ping",
		"time": t0.Add(time.Minute), "data": `{"message": "hi"}`, "contentType": "application/json", "team": "a",
		"specversion": "1.0",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("event (-want +got):\n%s", diff)
	}
	again, _ := MakeEvent(s, t0.Add(time.Minute))
	later, _ := MakeEvent(s, t0.Add(2*time.Minute))
	if ev.ID() != again.ID() || ev.ID() == later.ID() {
		t.Errorf("ids: %s, %s, %s: want the first two equal and the third different", ev.ID(), again.ID(), later.ID())
	}

	s.Spec.Data, s.Spec.ContentType, s.Spec.DataBase64 = "", "", "aGk="
	bin, err := MakeEvent(s, t0)
	if err != nil {
		t.Fatal(err)
	}
	if string(bin.Data()) != "hi" || !bin.DataBase64 {
		t.Errorf("base64 event data = %q (base64 %v)", bin.Data(), bin.DataBase64)
	}
	if diff := cmp.Diff([]duck.CloudEventAttributes{{Type: "dev.knative.sources.ping", Source: "/apis/v1/namespaces/default/pingsources/ping"}},
		CloudEventAttributes(s)); diff != "" {
		t.Errorf("CloudEventAttributes (-want +got):\n%s", diff)
	}
}
