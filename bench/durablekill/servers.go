package main

import (
	"hash/fnv"
	"net"
	"net/http"
	"sync"

	cehttp "github.com/cloudevents/sdk-go/v2/protocol/http"
)

// receiver is the subscriber, or the dead-letter sink: an HTTP server that
// records each event id it answered 2xx. The subscriber fails an attempt
// when a hash of the event id and the attempt's number falls below
// errorRate, so the same run fails the same attempts.
type receiver struct {
	errorRate float64
	srv       *http.Server
	url       string

	mu       sync.Mutex
	attempts map[string]int
	ok       map[string]int
}

// newReceiver listens on 127.0.0.1.
func newReceiver(errorRate float64) (*receiver, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	r := &receiver{errorRate: errorRate, attempts: map[string]int{}, ok: map[string]int{}, url: "http://" + ln.Addr().String() + "/"}
	r.srv = &http.Server{Handler: r, ReadHeaderTimeout: httpTimeout}
	go func() { _ = r.srv.Serve(ln) }()
	return r, nil
}

// ServeHTTP answers one delivery attempt.
func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	ev, err := cehttp.NewEventFromHTTPRequest(req)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	id := ev.ID()
	r.mu.Lock()
	r.attempts[id]++
	fail := fails(id, r.attempts[id], r.errorRate)
	if !fail {
		r.ok[id]++
	}
	r.mu.Unlock()
	if fail {
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// fails says whether attempt n of event id fails at rate. The attempts of
// one event must fail independently: FNV alone gives strings that differ
// in their last byte correlated hashes, so its sum, offset by the attempt,
// goes through SplitMix64's finaliser.
func fails(id string, n int, rate float64) bool {
	if rate <= 0 {
		return false
	}
	h := fnv.New64a()
	_, _ = h.Write([]byte(id))
	z := h.Sum64() + uint64(n)*0x9E3779B97F4A7C15
	z += 0x9E3779B97F4A7C15
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	z ^= z >> 31
	return float64(z%1_000_000)/1_000_000 < rate
}

// answered returns a copy of the 2xx answers per event id.
func (r *receiver) answered() map[string]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[string]int, len(r.ok))
	for k, v := range r.ok {
		out[k] = v
	}
	return out
}

func (r *receiver) close() { _ = r.srv.Close() }
