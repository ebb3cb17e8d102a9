package ingress

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/knsim/knsim/system/apis/duck"
	servingv1 "github.com/knsim/knsim/system/apis/serving/v1"
)

func route(ns, name, url string, targets ...servingv1.TrafficTarget) *servingv1.Route {
	rt := &servingv1.Route{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}}
	rt.Status.URL = url
	rt.Status.Traffic = targets
	return rt
}

func target(rev string, percent int64, tag, url string) servingv1.TrafficTarget {
	return servingv1.TrafficTarget{RevisionName: rev, Percent: ptr.To(percent), Tag: tag, URL: url}
}

// fixture has a split Route with a tag at 100% (with its status URL) and a
// tag at 0% (no URL, so its host comes from the Route's domain), a
// cluster-local Route, and a Route with no routable traffic.
func fixture() *Router {
	hello := route("default", "hello", "http://hello.default.example.com",
		target("hello-00002", 90, "current", "http://current-hello.default.example.com"),
		target("hello-00001", 10, "", ""),
		target("hello-00003", 0, "candidate", ""),
	)
	hello.Status.Address = &duck.Addressable{URL: "http://hello.default.svc.cluster.local"}
	local := route("team", "inside", "http://inside.team.svc.cluster.local", target("inside-00001", 100, "", ""))
	empty := route("default", "empty", "http://empty.default.example.com")
	return NewRouter(hello, local, empty)
}

func TestRoute(t *testing.T) {
	r := fixture()
	current := Target{Namespace: "default", Route: "hello", Revision: "hello-00002", Tag: "current"}
	candidate := Target{Namespace: "default", Route: "hello", Revision: "hello-00003", Tag: "candidate"}
	main := Target{Namespace: "default", Route: "hello", Revision: "hello-00002"}
	inside := Target{Namespace: "team", Route: "inside", Revision: "inside-00001"}
	tests := []struct {
		name     string
		host     string
		want     Target
		notFound bool
	}{
		{name: "external host", host: "hello.default.example.com", want: main},
		{name: "port is ignored", host: "hello.default.example.com:8080", want: main},
		{name: "case and trailing dot are ignored", host: "Hello.Default.Example.COM.", want: main},
		{name: "tag host from status url", host: "current-hello.default.example.com", want: current},
		{name: "zero percent tag reachable by its host", host: "candidate-hello.default.example.com:80", want: candidate},
		{name: "cluster-local full", host: "hello.default.svc.cluster.local", want: main},
		{name: "cluster-local svc", host: "hello.default.svc", want: main},
		{name: "cluster-local short", host: "hello.default", want: main},
		{name: "cluster-local tag", host: "candidate-hello.default.svc.cluster.local", want: candidate},
		{name: "cluster-local route", host: "inside.team.svc.cluster.local:80", want: inside},
		{name: "cluster-local route short", host: "inside.team", want: inside},
		{name: "unknown host", host: "nope.default.example.com", notFound: true},
		{name: "route without traffic", host: "empty.default.example.com", notFound: true},
		{name: "tag of another route", host: "current-inside.team.svc.cluster.local", notFound: true},
		{name: "empty host", host: "", notFound: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := r.Route(tc.host, 0)
			if tc.notFound {
				var nf *NotFoundError
				if !errors.As(err, &nf) || nf.Host != tc.host {
					t.Fatalf("Route(%q) = %+v, %v; want *NotFoundError for the host", tc.host, got, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Route(%q): %v", tc.host, err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Route(%q) (-want +got):\n%s", tc.host, diff)
			}
		})
	}
}

func TestSplitBoundaries(t *testing.T) {
	r := fixture()
	tests := []struct {
		name string
		u    float64
		want string
	}{
		{name: "start", u: 0, want: "hello-00002"},
		{name: "just below 90%", u: 0.8999, want: "hello-00002"},
		{name: "at 90%", u: 0.9, want: "hello-00001"},
		{name: "end", u: 0.99999, want: "hello-00001"},
		{name: "out of range high clamps", u: 1.5, want: "hello-00001"},
		{name: "out of range low clamps", u: -1, want: "hello-00002"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := r.Route("hello.default.example.com", tc.u)
			if err != nil {
				t.Fatal(err)
			}
			if got.Revision != tc.want {
				t.Errorf("Route(u=%v) = %s, want %s", tc.u, got.Revision, tc.want)
			}
		})
	}
}

func TestSplitDistribution(t *testing.T) {
	const (
		n = 10000
		p = 0.10 // hello-00001's share
	)
	r := fixture()
	rng := rand.New(rand.NewPCG(2025, 1))
	counts := map[string]int{}
	for range n {
		got, err := r.Route("hello.default.example.com", rng.Float64())
		if err != nil {
			t.Fatal(err)
		}
		counts[got.Revision]++
	}
	// Two-sided 99% interval of Binomial(n, p), normal approximation.
	z := math.Sqrt2 * math.Erfinv(0.99)
	half := z * math.Sqrt(n*p*(1-p))
	lo, hi := n*p-half, n*p+half
	if k := float64(counts["hello-00001"]); k < lo || k > hi {
		t.Errorf("hello-00001 got %v of %d draws, want within [%.1f, %.1f]", k, n, lo, hi)
	}
	if counts["hello-00001"]+counts["hello-00002"] != n || counts["hello-00003"] != 0 {
		t.Errorf("draws went outside the 90/10 split: %v", counts)
	}
}

func TestUpsertDelete(t *testing.T) {
	r := NewRouter(route("b", "other", "http://other.b.example.com", target("other-1", 100, "", "")))
	v1 := route("a", "svc", "http://svc.a.example.com", target("svc-1", 100, "old", ""))
	r.Upsert(v1)
	wantHosts := []string{
		"old-svc.a", "old-svc.a.example.com", "old-svc.a.svc", "old-svc.a.svc.cluster.local",
		"other.b", "other.b.example.com", "other.b.svc", "other.b.svc.cluster.local",
		"svc.a", "svc.a.example.com", "svc.a.svc", "svc.a.svc.cluster.local",
	}
	if diff := cmp.Diff(wantHosts, r.Hosts()); diff != "" {
		t.Errorf("hosts after v1 (-want +got):\n%s", diff)
	}

	// v2 moves traffic and drops the tag: the tag hosts go away.
	r.Upsert(route("a", "svc", "http://svc.a.example.com", target("svc-2", 100, "", "")))
	if _, err := r.Route("old-svc.a.example.com", 0); err == nil {
		t.Error("dropped tag host still routes")
	}
	if got, _ := r.Route("svc.a.example.com", 0); got.Revision != "svc-2" {
		t.Errorf("after v2 got %s, want svc-2", got.Revision)
	}

	r.Delete("a", "svc")
	r.Delete("a", "never-existed")
	want := []string{"other.b", "other.b.example.com", "other.b.svc", "other.b.svc.cluster.local"}
	if diff := cmp.Diff(want, r.Hosts()); diff != "" {
		t.Errorf("hosts after delete (-want +got):\n%s", diff)
	}
}

func TestHostConflict(t *testing.T) {
	// Route "x-y" owns x-y.ns.example.com; Route "y" has tag "x", whose
	// host is the same. The main host wins, whatever the update order.
	xy := route("ns", "x-y", "http://x-y.ns.example.com", target("xy-1", 100, "", ""))
	y := route("ns", "y", "http://y.ns.example.com", target("y-1", 100, "x", ""))
	// Two Routes claiming one external URL: the smaller name wins.
	a := route("ns", "a", "http://shared.example.com", target("a-1", 100, "", ""))
	b := route("ns", "b", "http://shared.example.com", target("b-1", 100, "", ""))
	for name, order := range map[string][]*servingv1.Route{
		"forward":  {xy, y, a, b},
		"backward": {b, a, y, xy},
	} {
		t.Run(name, func(t *testing.T) {
			r := NewRouter(order...)
			got, _ := r.Route("x-y.ns.example.com", 0)
			if got.Revision != "xy-1" {
				t.Errorf("x-y.ns.example.com -> %s, want xy-1", got.Revision)
			}
			got, _ = r.Route("shared.example.com", 0)
			if got.Revision != "a-1" {
				t.Errorf("shared.example.com -> %s, want a-1", got.Revision)
			}
			r.Delete("ns", "a")
			got, _ = r.Route("shared.example.com", 0)
			if got.Revision != "b-1" {
				t.Errorf("after deleting a, shared.example.com -> %s, want b-1", got.Revision)
			}
		})
	}
}

func TestNotFoundErrorMessage(t *testing.T) {
	err := error(&NotFoundError{Host: "x.example.com"})
	if got, want := err.Error(), `ingress: no route for host "x.example.com"`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}
