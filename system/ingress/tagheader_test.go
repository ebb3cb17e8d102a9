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

func TestRouteTag(t *testing.T) {
	r := fixture()
	candidate := Target{Namespace: "default", Route: "hello", Revision: "hello-00003", Tag: "candidate"}
	current := Target{Namespace: "default", Route: "hello", Revision: "hello-00002", Tag: "current"}
	old := Target{Namespace: "default", Route: "hello", Revision: "hello-00001"}
	tests := []struct {
		name string
		host string
		tag  string
		u    float64
		want Target
	}{
		{name: "a 0% tag by header on the main host", host: "hello.default.example.com", tag: "candidate", u: 0.95, want: candidate},
		{name: "on the cluster-local host too", host: "hello.default.svc.cluster.local", tag: "current", u: 0.95, want: current},
		{name: "an unknown tag takes the split", host: "hello.default.example.com", tag: "nope", u: 0.95, want: old},
		{name: "no tag takes the split", host: "hello.default.example.com", u: 0.95, want: old},
		{name: "a tag host keeps its own tag", host: "current-hello.default.example.com", tag: "candidate", want: current},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := r.RouteTag(tt.host, tt.tag, tt.u)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("RouteTag (-want +got):\n%s", diff)
			}
		})
	}
}

// TestGatewayTagHeader: the Knative-Serving-Tag header routes only when
// tag-header-based-routing is on.
func TestGatewayTagHeader(t *testing.T) {
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "%s tag=%q", r.Header.Get(RevisionHeaderName), r.Header.Get(TagHeaderName))
	})
	g := NewGateway(rand.New(rand.NewPCG(1, 1)), next)
	srv := httptest.NewServer(g)
	defer srv.Close()
	g.Upsert(route("default", "hello", "http://hello.default.example.com",
		target("hello-00001", 100, "", ""), target("hello-00002", 0, "next", "")))
	tests := []struct {
		name string
		on   bool
		want string
	}{
		{name: "flag disabled (Knative's default): the header is dropped", want: `hello-00001 tag=""`},
		{name: "flag enabled: the tag's revision", on: true, want: `hello-00002 tag="next"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g.RouteByTagHeader(tt.on)
			req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
			req.Host = "hello.default.example.com"
			req.Header.Set(TagHeaderName, "next")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if diff := cmp.Diff(tt.want, string(b)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
