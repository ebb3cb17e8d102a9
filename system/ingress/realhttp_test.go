package ingress

import (
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestGateway(t *testing.T) {
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tgt, ok := TargetFrom(r.Context())
		fmt.Fprintf(w, "%s/%s tag=%q ctx=%v:%s", r.Header.Get(RevisionHeaderNamespace),
			r.Header.Get(RevisionHeaderName), r.Header.Get(TagHeaderName), ok, tgt.Revision)
	})
	g := NewGateway(rand.New(rand.NewPCG(1, 1)), next)
	srv := httptest.NewServer(g)
	defer srv.Close()
	g.Upsert(route("default", "hello", "http://hello.default.example.com",
		target("hello-00001", 100, "", ""), target("hello-00002", 0, "next", "")))

	type reply struct {
		Code int
		Body string
	}
	do := func(host string, spoofTag bool) reply {
		req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
		req.Host = host
		if spoofTag {
			req.Header.Set(TagHeaderName, "next")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return reply{resp.StatusCode, string(b)}
	}
	tests := []struct {
		name     string
		host     string
		spoofTag bool
		want     reply
	}{
		{name: "default host with port", host: "hello.default.example.com:8080",
			want: reply{200, `default/hello-00001 tag="" ctx=true:hello-00001`}},
		{name: "client tag header is dropped", host: "hello.default.example.com", spoofTag: true,
			want: reply{200, `default/hello-00001 tag="" ctx=true:hello-00001`}},
		{name: "tag host", host: "next-hello.default.example.com",
			want: reply{200, `default/hello-00002 tag="next" ctx=true:hello-00002`}},
		{name: "unknown host", host: "nope.example.com",
			want: reply{404, "ingress: no route for host \"nope.example.com\"\n"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, do(tc.host, tc.spoofTag)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}

	g.Delete("default", "hello")
	if got := do("hello.default.example.com", false); got.Code != http.StatusNotFound {
		t.Errorf("after Delete code = %d, want 404", got.Code)
	}
}

func TestGatewayOnMiss(t *testing.T) {
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, r.Header.Get(RevisionHeaderName))
	})
	g := NewGateway(rand.New(rand.NewPCG(1, 1)), next)
	misses := 0
	// The hook learns of the Route on its first call, as a data plane's
	// sync would; later unknown hosts stay unknown.
	g.OnMiss(func(r *http.Request) bool {
		misses++
		if misses == 1 {
			g.Upsert(route("default", "late", "http://late.default.example.com", target("late-00001", 100, "", "")))
		}
		return true
	})
	tests := []struct {
		name     string
		host     string
		wantCode int
		wantBody string
	}{
		{name: "route learnt on the miss", host: "late.default.example.com", wantCode: 200, wantBody: "late-00001"},
		{name: "known route, no miss", host: "late.default.example.com", wantCode: 200, wantBody: "late-00001"},
		{name: "unknown after the hook", host: "nope.example.com", wantCode: 404, wantBody: "ingress: no route for host \"nope.example.com\"\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			req := httptest.NewRequest(http.MethodGet, "http://"+tc.host+"/", nil)
			g.ServeHTTP(rec, req)
			if rec.Code != tc.wantCode || rec.Body.String() != tc.wantBody {
				t.Errorf("got %d %q, want %d %q", rec.Code, rec.Body.String(), tc.wantCode, tc.wantBody)
			}
		})
	}
	if misses != 2 {
		t.Errorf("hook called %d times, want 2 (once per unknown host)", misses)
	}
}
