package jetstream

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	cloudevents "github.com/cloudevents/sdk-go/v2"
	"github.com/onsi/gomega"

	"github.com/knsim/knsim/system/eventing/wire"
)

// Polling bounds for Eventually: deadlines, not waits.
const (
	waitFor = 20 * time.Second
	pollFor = 5 * time.Millisecond
)

func newEvent(id string) *cloudevents.Event {
	ev := cloudevents.NewEvent()
	ev.SetID(id)
	ev.SetType("dev.knsim.test")
	ev.SetSource("/test")
	_ = ev.SetData(cloudevents.ApplicationJSON, map[string]string{"id": id})
	return &ev
}

// sink is a subscriber (or reply / dead letter destination) that records
// what it receives; respond picks the answer for the n-th attempt of an id.
type sink struct {
	t       *testing.T
	srv     *httptest.Server
	respond func(w http.ResponseWriter, r *http.Request, ev *cloudevents.Event, n int)

	mu       sync.Mutex
	attempts map[string]int         // id -> requests received
	ok       map[string]int         // id -> 2xx answers
	times    map[string][]time.Time // id -> arrival times
	events   []*cloudevents.Event   // every event received, in order
}

func newSink(t *testing.T, respond func(w http.ResponseWriter, r *http.Request, ev *cloudevents.Event, n int)) *sink {
	s := &sink{t: t, respond: respond, attempts: map[string]int{}, ok: map[string]int{}, times: map[string][]time.Time{}}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *sink) URL() string { return s.srv.URL }

func (s *sink) serve(w http.ResponseWriter, r *http.Request) {
	ev, err := wire.ReadRequest(r, 0)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	s.attempts[ev.ID()]++
	n := s.attempts[ev.ID()]
	s.times[ev.ID()] = append(s.times[ev.ID()], time.Now())
	s.events = append(s.events, ev)
	s.mu.Unlock()
	rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
	if s.respond != nil {
		s.respond(rec, r, ev, n)
	}
	if rec.status >= 200 && rec.status < 300 {
		s.mu.Lock()
		s.ok[ev.ID()]++
		s.mu.Unlock()
	}
}

// delivered is the number of distinct ids answered 2xx.
func (s *sink) delivered() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.ok)
}

// tried is the number of distinct ids received at least once.
func (s *sink) tried() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.attempts)
}

// duplicates is the number of 2xx answers beyond one per id.
func (s *sink) duplicates() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := 0
	for _, n := range s.ok {
		d += n - 1
	}
	return d
}

func (s *sink) attemptsOf(id string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.attempts[id]
}

func (s *sink) received() []*cloudevents.Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*cloudevents.Event(nil), s.events...)
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

// post sends ev to url in binary mode and returns the status.
func post(t *testing.T, url string, ev *cloudevents.Event) int {
	t.Helper()
	req, err := wire.NewRequest(context.Background(), url, ev)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// publishN posts n events e<prefix>-0..n-1 and requires 202 for each.
func publishN(t *testing.T, url, prefix string, n int) []string {
	t.Helper()
	ids := make([]string, n)
	for i := range n {
		ids[i] = fmt.Sprintf("%s-%d", prefix, i)
		if st := post(t, url, newEvent(ids[i])); st != http.StatusAccepted {
			t.Fatalf("publish %s: status %d, want 202", ids[i], st)
		}
	}
	return ids
}

// streamMsgs is the number of events the channel's stream holds.
func streamMsgs(t *testing.T, c *Channels, ns, name string) uint64 {
	t.Helper()
	st, err := c.js.Stream(context.Background(), c.streamFor(Key{Namespace: ns, Name: name}))
	if err != nil {
		t.Fatal(err)
	}
	info, err := st.Info(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return info.State.Msgs
}

// newChannels starts channels for a test and closes them at its end.
func newChannels(t *testing.T, cfg Config) *Channels {
	t.Helper()
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func eventually(t *testing.T) gomega.Gomega {
	g := gomega.NewWithT(t)
	g.SetDefaultEventuallyTimeout(waitFor)
	g.SetDefaultEventuallyPollingInterval(pollFor)
	return g
}
