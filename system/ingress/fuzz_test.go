package ingress

import (
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/knsim/knsim/system/apis/duck"
	servingv1 "github.com/knsim/knsim/system/apis/serving/v1"
)

// isASCII reports whether s is plain ASCII, where case folding is simple.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// FuzzRoute throws Host headers (and a Route built from fuzzed names) at
// the Host router and the gateway: routing must not panic, must ignore
// case, a port and a trailing dot, must only pick a revision of the Route
// it names, and the gateway must answer an unknown host 404 without
// calling the next handler.
func FuzzRoute(f *testing.F) {
	for _, s := range []struct {
		host, url, tag string
		u              float64
	}{
		{"hello.default.example.com", "http://hello.default.example.com", "", 0.5},
		{"HELLO.default.example.com.:8080", "http://hello.default.example.com", "", 0.95},
		{"current-hello.default.example.com", "http://hello.default.example.com", "current", 0},
		{"hello.default.svc.cluster.local", "http://hello.default.svc.cluster.local", "", 0.999999},
		{"hello.default", "", "x", -1},
		{"fuzz.ns.example.com", "http://fuzz.ns.example.com:99999", "t", 2},
		{"[::1]:80", "http://[::1]/", "", 0.1},
		{"", "", "", 0},
		{"%zz", "://%zz", "", 0.3},
	} {
		f.Add(s.host, s.url, s.tag, s.u)
	}
	f.Fuzz(func(t *testing.T, host, url, tag string, u float64) {
		r := fixture()
		extra := route("ns", "fuzz", url, target("fuzz-00001", 60, "", ""), target("fuzz-00002", 40, tag, ""))
		extra.Status.Address = &duck.Addressable{URL: url}
		r.Upsert(extra)
		revisions := map[string]bool{}
		for _, rt := range []*servingv1.Route{extra} {
			for _, tt := range rt.Status.Traffic {
				revisions[tt.RevisionName] = true
			}
		}
		got, err := r.Route(host, u)
		if err == nil {
			if got.Revision == "" || got.Namespace == "" || got.Route == "" {
				t.Fatalf("Route(%q) = %+v", host, got)
			}
			if got.Route == "fuzz" && !revisions[got.Revision] {
				t.Fatalf("Route(%q) picked %q, not a revision of its Route", host, got.Revision)
			}
		}
		if isASCII(host) && !strings.Contains(host, ":") {
			again, err2 := r.Route(strings.ToUpper(host)+".:8080", u)
			if (err == nil) != (err2 == nil) || again != got {
				t.Fatalf("Route(%q) = %+v, %v but with case, dot and port %+v, %v", host, got, err, again, err2)
			}
		}
		// The gateway over the same Routes.
		called := false
		g := NewGateway(rand.New(rand.NewPCG(1, 2)), http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			called = true
		}))
		g.Upsert(extra)
		req := httptest.NewRequest(http.MethodGet, "http://x/", nil)
		req.Host = host
		rec := httptest.NewRecorder()
		g.ServeHTTP(rec, req)
		if _, err := g.router.Route(host, 0); err != nil && (called || rec.Code != http.StatusNotFound) {
			t.Fatalf("unknown host %q: status %d, next called %v", host, rec.Code, called)
		}
	})
}
