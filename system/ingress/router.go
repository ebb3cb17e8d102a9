package ingress

import (
	"cmp"
	"fmt"
	"net"
	"net/url"
	"slices"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/types"

	servingv1 "github.com/knsim/knsim/system/apis/serving/v1"
	"github.com/knsim/knsim/system/network"
)

// Target is where a request goes: one Revision of one Route. Tag is set
// when the request came in on a tag's host.
type Target struct {
	Namespace string
	Route     string
	Revision  string
	Tag       string
}

// NotFoundError is returned for a host no Route serves; the shell answers
// 404 Not Found.
type NotFoundError struct {
	// Host is the host as the request gave it.
	Host string
}

// Error implements error.
func (e *NotFoundError) Error() string { return fmt.Sprintf("ingress: no route for host %q", e.Host) }

// rule is how one host picks a revision: cumulative percents over its
// targets, or a single tagged target.
type rule struct {
	tag     string
	targets []weighted
	total   int64
}

// weighted is a target with the running sum of percents up to and
// including it.
type weighted struct {
	revision string
	cum      int64
}

// claim is a Route's claim on a host. When Routes collide on a host, a
// Route's main host beats another's tag host, then the smaller
// namespace/name wins, so the answer never depends on update order.
type claim struct {
	route types.NamespacedName
	isTag bool
}

func compareClaims(a, b claim) int {
	if a.isTag != b.isTag {
		if a.isTag {
			return 1
		}
		return -1
	}
	return cmp.Or(cmp.Compare(a.route.Namespace, b.route.Namespace), cmp.Compare(a.route.Name, b.route.Name))
}

// Router maps hosts to revisions. Build it with NewRouter and keep it in
// step with Upsert and Delete; it is not safe for concurrent use.
type Router struct {
	routes map[types.NamespacedName]map[string]rule
	hosts  map[string][]claim // sorted by compareClaims
}

// NewRouter returns a Router serving the given Routes.
func NewRouter(routes ...*servingv1.Route) *Router {
	r := &Router{
		routes: make(map[types.NamespacedName]map[string]rule),
		hosts:  make(map[string][]claim),
	}
	for _, rt := range routes {
		r.Upsert(rt)
	}
	return r
}

// Upsert adds a Route or replaces its previous version; only its hosts
// change.
func (r *Router) Upsert(rt *servingv1.Route) {
	key := types.NamespacedName{Namespace: rt.Namespace, Name: rt.Name}
	r.Delete(key.Namespace, key.Name)
	rules := compile(rt)
	if len(rules) == 0 {
		return
	}
	r.routes[key] = rules
	for h, ru := range rules {
		c := claim{route: key, isTag: ru.tag != ""}
		cs := r.hosts[h]
		i, _ := slices.BinarySearchFunc(cs, c, compareClaims)
		r.hosts[h] = slices.Insert(cs, i, c)
	}
}

// Delete removes a Route's hosts.
func (r *Router) Delete(namespace, name string) {
	key := types.NamespacedName{Namespace: namespace, Name: name}
	for h := range r.routes[key] {
		cs := slices.DeleteFunc(r.hosts[h], func(c claim) bool { return c.route == key })
		if len(cs) == 0 {
			delete(r.hosts, h)
		} else {
			r.hosts[h] = cs
		}
	}
	delete(r.routes, key)
}

// Route picks the target for a request to host, using u in [0, 1) for the
// percent split: the target whose share of [0, 1) contains u, in
// status.traffic order. Tag hosts ignore u. An unknown host gives a
// *NotFoundError.
func (r *Router) Route(host string, u float64) (Target, error) {
	h := normalizeHost(host)
	cs := r.hosts[h]
	if len(cs) == 0 {
		return Target{}, &NotFoundError{Host: host}
	}
	key := cs[0].route
	ru := r.routes[key][h]
	x := int64(u * float64(ru.total))
	x = min(max(x, 0), ru.total-1)
	i := sort.Search(len(ru.targets), func(i int) bool { return ru.targets[i].cum > x })
	return Target{Namespace: key.Namespace, Route: key.Name, Revision: ru.targets[i].revision, Tag: ru.tag}, nil
}

// RouteTag is Route for a request that names a tag in its
// Knative-Serving-Tag header, when tag-header-based-routing is enabled: on
// a Route's main host, a tag of that Route sends the request to the tag's
// revision; an unknown tag, or a request to a tag host, is routed as Route
// does.
func (r *Router) RouteTag(host, tag string, u float64) (Target, error) {
	t, err := r.Route(host, u)
	if err != nil || tag == "" || t.Tag != "" {
		return t, err
	}
	key := types.NamespacedName{Namespace: t.Namespace, Name: t.Route}
	for _, ru := range r.routes[key] {
		if ru.tag == tag {
			// Every host of one tag names the same revision.
			return Target{Namespace: t.Namespace, Route: t.Route, Revision: ru.targets[0].revision, Tag: tag}, nil
		}
	}
	return t, nil
}

// Hosts lists the served hosts, sorted.
func (r *Router) Hosts() []string {
	out := make([]string, 0, len(r.hosts))
	for h := range r.hosts {
		out = append(out, h)
	}
	slices.Sort(out)
	return out
}

// compile derives a Route's hosts and their rules from its status. Hosts
// with nothing to route to are left out.
func compile(rt *servingv1.Route) map[string]rule {
	ns, name := rt.Namespace, rt.Name
	rules := make(map[string]rule)
	add := func(host string, ru rule) {
		if h := normalizeHost(host); h != "" && ru.total > 0 {
			if _, taken := rules[h]; !taken {
				rules[h] = ru
			}
		}
	}

	var split rule
	for _, tt := range rt.Status.Traffic {
		if tt.RevisionName == "" || tt.Percent == nil || *tt.Percent <= 0 {
			continue
		}
		split.total += *tt.Percent
		split.targets = append(split.targets, weighted{revision: tt.RevisionName, cum: split.total})
	}
	domain := ""
	if h := normalizeHost(urlHost(rt.Status.URL)); h != "" {
		add(h, split)
		domain, _ = strings.CutPrefix(h, name+"."+ns+".")
		if domain == h {
			domain = "" // not {name}.{ns}.{domain}: tag hosts come from their URLs only
		}
	}
	if rt.Status.Address != nil {
		add(urlHost(rt.Status.Address.URL), split)
	}
	for _, h := range localHosts(name, ns) {
		add(h, split)
	}

	for _, tt := range rt.Status.Traffic {
		if tt.Tag == "" || tt.RevisionName == "" {
			continue
		}
		tagged := rule{tag: tt.Tag, targets: []weighted{{revision: tt.RevisionName, cum: 1}}, total: 1}
		tagName := tt.Tag + "-" + name
		add(urlHost(tt.URL), tagged)
		if domain != "" {
			add(tagName+"."+ns+"."+domain, tagged)
		}
		for _, h := range localHosts(tagName, ns) {
			add(h, tagged)
		}
	}
	return rules
}

// localHosts are the cluster-local forms of {name}.{ns}.
func localHosts(name, ns string) []string {
	base := name + "." + ns
	return []string{network.ServiceHost(name, ns), base + ".svc", base}
}

// urlHost is the host (with any port) of a URL, or "".
func urlHost(s string) string {
	if s == "" {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil {
		return ""
	}
	return u.Host
}

// normalizeHost lower-cases host and drops its port and a trailing dot.
func normalizeHost(host string) string {
	h := strings.ToLower(strings.TrimSpace(host))
	if strings.Contains(h, ":") {
		if hp, _, err := net.SplitHostPort(h); err == nil {
			h = hp
		}
	}
	return strings.TrimSuffix(h, ".")
}
