package activator

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"k8s.io/utils/clock"
)

// roundTripper answers every proxied request in process, so the benchmark
// measures the activator's own per-request work.
type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// BenchmarkHandlerServeHTTP is one request through the activator with a
// ready pod: lookup, throttler admission, reverse proxy, release. Its
// bytes per op show the reverse proxy's copy buffer (32 KiB without a pool).
func BenchmarkHandlerServeHTTP(b *testing.B) {
	tr := roundTripper(func(r *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: http.StatusOK, Header: http.Header{}, Body: io.NopCloser(strings.NewReader("Hello World!\n")), Request: r}, nil
	})
	h := NewHandler(clock.RealClock{}, tr, nil)
	if err := h.SetRevision(rev, RevisionConfig{}); err != nil {
		b.Fatal(err)
	}
	if err := h.UpdatePods(rev, []string{"10.0.0.1:8012"}); err != nil {
		b.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodGet, "http://hello.default.example.com/", nil)
	req.Header.Set(RevisionHeaderNamespace, rev.Namespace)
	req.Header.Set(RevisionHeaderName, rev.Name)
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d: %s", w.Code, w.Body)
		}
	}
}
