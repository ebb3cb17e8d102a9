package activator

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/clock"
	testingclock "k8s.io/utils/clock/testing"

	"github.com/knsim/knsim/system/queue"
)

// eventually polls cond until it holds or a generous deadline passes.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.NewTimer(10 * time.Second)
	defer deadline.Stop()
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case <-deadline.C:
			t.Fatalf("timed out waiting for %s", what)
		case <-tick.C:
		}
	}
}

var rev = types.NamespacedName{Namespace: "default", Name: "hello-00001"}

// pod is a user container behind an httptest server: it answers with its
// name and the K-Proxy-Request header it saw, once open is closed.
func pod(t *testing.T, name string, open <-chan struct{}) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-open
		io.WriteString(w, name+" "+r.Header.Get(queue.ProxyHeaderName)+" "+r.Host)
	}))
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	return u.Host
}

type reply struct {
	code int
	body string
}

// get sends a request for key through h's server and reports the reply.
func get(t *testing.T, srvURL string, key types.NamespacedName) <-chan reply {
	out := make(chan reply, 1)
	go func() {
		r, _ := http.NewRequest(http.MethodGet, srvURL, nil)
		r.Host = "hello.default.example.com"
		r.Header.Set(RevisionHeaderNamespace, key.Namespace)
		r.Header.Set(RevisionHeaderName, key.Name)
		resp, err := http.DefaultClient.Do(r)
		if err != nil {
			t.Errorf("request: %v", err)
			out <- reply{}
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		out <- reply{resp.StatusCode, string(b)}
	}()
	return out
}

func TestHandlerScaleFromZero(t *testing.T) {
	pokes := make(chan types.NamespacedName, 10)
	h := NewHandler(clock.RealClock{}, nil, func(k types.NamespacedName) { pokes <- k })
	if err := h.SetRevision(rev, RevisionConfig{ContainerConcurrency: 1}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()

	first, second := get(t, srv.URL, rev), get(t, srv.URL, rev)
	eventually(t, "two requests buffered", func() bool { s, _ := h.Revision(rev); return s.Waiting == 2 })
	if got := <-pokes; got != rev {
		t.Errorf("poked %v, want %v", got, rev)
	}
	select {
	case k := <-pokes:
		t.Errorf("second poke for %v", k)
	default:
	}

	open := make(chan struct{})
	close(open)
	addr := pod(t, "pod-a", open)
	if err := h.UpdatePods(rev, []string{addr}); err != nil {
		t.Fatal(err)
	}
	want := reply{http.StatusOK, "pod-a activator hello.default.example.com"}
	for _, ch := range []<-chan reply{first, second} {
		if diff := cmp.Diff(want, <-ch, cmp.AllowUnexported(reply{})); diff != "" {
			t.Errorf("reply (-want +got):\n%s", diff)
		}
	}
	eventually(t, "drained", func() bool { s, _ := h.Revision(rev); return s.InFlight == 0 && s.Waiting == 0 })
}

func TestHandlerConcurrencyLimit(t *testing.T) {
	h := NewHandler(clock.RealClock{}, nil, nil)
	if err := h.SetRevision(rev, RevisionConfig{ContainerConcurrency: 1, QueueDepth: 2}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	open := make(chan struct{})
	if err := h.UpdatePods(rev, []string{pod(t, "pod-a", open), pod(t, "pod-b", open)}); err != nil {
		t.Fatal(err)
	}
	var replies []<-chan reply
	for range 4 {
		replies = append(replies, get(t, srv.URL, rev))
	}
	eventually(t, "2 in flight, 2 waiting", func() bool {
		s, _ := h.Revision(rev)
		return s.InFlight == 2 && s.Waiting == 2
	})
	if r := <-get(t, srv.URL, rev); r.code != http.StatusServiceUnavailable {
		t.Errorf("overflow code = %d, want 503", r.code)
	}
	close(open)
	for _, ch := range replies {
		if r := <-ch; r.code != http.StatusOK {
			t.Errorf("code = %d (%s), want 200", r.code, r.body)
		}
	}
}

func TestHandlerTimeoutAndRemoval(t *testing.T) {
	fc := testingclock.NewFakeClock(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	h := NewHandler(fc, nil, nil)
	if err := h.SetRevision(rev, RevisionConfig{ContainerConcurrency: 2, Timeout: 10 * time.Second}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()

	timedOut := get(t, srv.URL, rev)
	eventually(t, "timer armed", fc.HasWaiters)
	fc.Step(10 * time.Second)
	if r := <-timedOut; r.code != http.StatusServiceUnavailable {
		t.Errorf("timeout code = %d, want 503", r.code)
	}

	removed := get(t, srv.URL, rev)
	eventually(t, "request buffered", func() bool { s, _ := h.Revision(rev); return s.Waiting == 1 })
	h.RemoveRevision(rev)
	if r := <-removed; r.code != http.StatusServiceUnavailable {
		t.Errorf("removal code = %d, want 503", r.code)
	}
	if r := <-get(t, srv.URL, rev); r.code != http.StatusNotFound {
		t.Errorf("unknown revision code = %d, want 404", r.code)
	}
}

func TestHandlerConfigErrors(t *testing.T) {
	h := NewHandler(clock.RealClock{}, nil, nil)
	if err := h.SetRevision(rev, RevisionConfig{ContainerConcurrency: 1}); err != nil {
		t.Fatal(err)
	}
	if err := h.SetRevision(rev, RevisionConfig{ContainerConcurrency: 1, Timeout: time.Minute}); err != nil {
		t.Errorf("updating timeout: %v", err)
	}
	if err := h.SetRevision(rev, RevisionConfig{ContainerConcurrency: 2}); err == nil {
		t.Error("changing containerConcurrency succeeded")
	}
	if err := h.UpdatePods(types.NamespacedName{Namespace: "x", Name: "y"}, nil); err == nil {
		t.Error("UpdatePods for an unknown revision succeeded")
	}
	if err := h.SetRevision(types.NamespacedName{Name: "bad"}, RevisionConfig{ContainerConcurrency: -1}); err == nil {
		t.Error("negative containerConcurrency accepted")
	}
}
