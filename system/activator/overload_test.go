package activator

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"testing"

	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/clock"
)

// postBig sends a request with a 1 MiB body for key; it waits for 100
// Continue, so a request the activator refuses never sends its body.
func postBig(srvURL string, key types.NamespacedName) <-chan reply {
	out := make(chan reply, 1)
	go func() {
		r, _ := http.NewRequest(http.MethodPost, srvURL, io.LimitReader(zeros{}, 1<<20))
		r.ContentLength = 1 << 20
		r.Header.Set(RevisionHeaderNamespace, key.Namespace)
		r.Header.Set(RevisionHeaderName, key.Name)
		r.Header.Set("Expect", "100-continue")
		resp, err := http.DefaultClient.Do(r)
		if err != nil {
			out <- reply{code: -1, body: err.Error()}
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		out <- reply{code: resp.StatusCode, body: string(b)}
	}()
	return out
}

// zeros reads zero bytes without holding a buffer, so the test's own
// requests do not count in the heap it measures.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

// Deliverable 3: requests for revisions at zero wait up to MaxWaiting over
// all revisions; beyond it they get 503 at once, the waiting ones hold no
// body in memory, and once pods are ready every waiting request is served
// and new ones are taken again.
func TestHandlerBoundsWaitingRequests(t *testing.T) {
	g := NewWithT(t)
	h, err := NewBoundedHandler(clock.RealClock{}, nil, nil, Bounds{MaxWaiting: 20})
	g.Expect(err).NotTo(HaveOccurred())
	revB := types.NamespacedName{Namespace: "default", Name: "other-00001"}
	for _, k := range []types.NamespacedName{rev, revB} {
		g.Expect(h.SetRevision(k, RevisionConfig{ContainerConcurrency: 1})).To(Succeed())
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	// On a failure, fail the waiting requests so that Close does not wait
	// for their revision timeout.
	defer h.RemoveRevision(revB)
	defer h.RemoveRevision(rev)

	before := heapInUse()
	var waiting []<-chan reply
	for i := range 20 {
		k := rev
		if i%2 == 1 {
			k = revB
		}
		waiting = append(waiting, postBig(srv.URL, k))
	}
	g.Eventually(func() int { n, _ := h.Waiting(); return n }).Should(Equal(20))
	for range 30 {
		r := <-postBig(srv.URL, rev)
		g.Expect(r.code).To(Equal(http.StatusServiceUnavailable))
		g.Expect(r.body).To(ContainSubstring("too many requests waiting: 20 requests"))
	}
	// 50 requests of 1 MiB each: buffered, they would take 50 MiB.
	g.Expect(int64(heapInUse()) - int64(before)).To(BeNumerically("<", 16<<20))
	sA, _ := h.Revision(rev)
	sB, _ := h.Revision(revB)
	g.Expect(sA.Waiting + sB.Waiting).To(Equal(20))

	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := io.Copy(io.Discard, r.Body)
		if n != 1<<20 {
			w.WriteHeader(http.StatusBadRequest)
		}
	}))
	defer backend.Close()
	u, _ := url.Parse(backend.URL)
	for _, k := range []types.NamespacedName{rev, revB} {
		g.Expect(h.UpdatePods(k, []string{u.Host})).To(Succeed())
	}
	for _, ch := range waiting {
		r := <-ch
		g.Expect(r.code).To(Equal(http.StatusOK), r.body)
	}
	n, b := h.Waiting()
	g.Expect(n).To(BeZero())
	g.Expect(b).To(BeZero())
	r := <-postBig(srv.URL, rev)
	g.Expect(r.code).To(Equal(http.StatusOK), "service resumes")
}

func TestHandlerBoundsWaitingBytes(t *testing.T) {
	g := NewWithT(t)
	h, err := NewBoundedHandler(clock.RealClock{}, nil, nil, Bounds{MaxWaitingBytes: 4000})
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(h.SetRevision(rev, RevisionConfig{ContainerConcurrency: 1})).To(Succeed())
	srv := httptest.NewServer(h)
	defer srv.Close()
	send := func() <-chan reply {
		out := make(chan reply, 1)
		go func() {
			r, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
			r.Header.Set(RevisionHeaderNamespace, rev.Namespace)
			r.Header.Set(RevisionHeaderName, rev.Name)
			r.Header.Set("X-Padding", string(bytes.Repeat([]byte("p"), 1500)))
			resp, err := http.DefaultClient.Do(r)
			if err != nil {
				out <- reply{code: -1}
				return
			}
			resp.Body.Close()
			out <- reply{code: resp.StatusCode}
		}()
		return out
	}
	first, second := send(), send()
	g.Eventually(func() int { n, _ := h.Waiting(); return n }).Should(Equal(2))
	g.Expect((<-send()).code).To(Equal(http.StatusServiceUnavailable))
	h.RemoveRevision(rev)
	g.Expect((<-first).code).To(Equal(http.StatusServiceUnavailable))
	g.Expect((<-second).code).To(Equal(http.StatusServiceUnavailable))
	g.Eventually(func() int64 { _, b := h.Waiting(); return b }).Should(BeZero())
}

func TestNewBoundedHandlerValidates(t *testing.T) {
	if _, err := NewBoundedHandler(clock.RealClock{}, nil, nil, Bounds{MaxWaiting: -1}); err == nil {
		t.Error("negative MaxWaiting accepted")
	}
	if _, err := NewBoundedHandler(nil, nil, nil, Bounds{}); err == nil {
		t.Error("nil clock accepted")
	}
}
