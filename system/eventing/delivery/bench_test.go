package delivery

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"k8s.io/utils/clock"
)

// BenchmarkDispatcherRun is one delivery to a loopback subscriber that
// answers 202, sequentially: the dispatcher's request, the subscriber's
// net/http server and the answer.
func BenchmarkDispatcherRun(b *testing.B) {
	sub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusAccepted)
	}))
	defer sub.Close()
	x := NewDispatcher(clock.RealClock{}, DispatcherOptions{})
	defer x.Close()
	ev := newEvent("e1")
	_ = ev.SetData("application/json", map[string]string{"pad": "0123456789012345678901234567890123456789"})
	var last Decision
	observe := func(_ *Delivery, dec Decision) { last = dec }
	b.ReportAllocs()
	for b.Loop() {
		x.Run(New(ev, sub.URL, NoRetry(), Options{}), observe)
		if last.Action != Done {
			b.Fatalf("decision = %+v", last)
		}
	}
}
