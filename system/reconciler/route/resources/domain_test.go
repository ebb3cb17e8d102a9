package resources

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	servingv1 "github.com/knsim/knsim/system/apis/serving/v1"
)

func route(labels map[string]string) *servingv1.Route {
	return &servingv1.Route{ObjectMeta: metav1.ObjectMeta{Name: "hello", Namespace: "prod-ns", Labels: labels}}
}

func domainConfig(data map[string]string) *corev1.ConfigMap {
	return &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Name: DomainConfigName, Namespace: "knative-serving"},
		Data:       data,
	}
}

func TestDomain(t *testing.T) {
	tests := []struct {
		name   string
		labels map[string]string
		cm     *corev1.ConfigMap
		want   string
	}{{
		name: "nil ConfigMap gives example.com",
		want: "example.com",
	}, {
		name: "empty ConfigMap gives example.com",
		cm:   domainConfig(nil),
		want: "example.com",
	}, {
		name: "default entry (no selector)",
		cm:   domainConfig(map[string]string{"knative.dev": ""}),
		want: "knative.dev",
	}, {
		name:   "selector match beats the default entry",
		labels: map[string]string{"app": "prod"},
		cm: domainConfig(map[string]string{
			"knative.dev": "",
			"prod.dev":    "selector:\n  app: prod\n",
		}),
		want: "prod.dev",
	}, {
		name:   "non-matching selector falls back to the default entry",
		labels: map[string]string{"app": "dev"},
		cm: domainConfig(map[string]string{
			"knative.dev": "",
			"prod.dev":    "selector:\n  app: prod\n",
		}),
		want: "knative.dev",
	}, {
		name:   "no default entry and no match gives example.com",
		labels: map[string]string{"app": "dev"},
		cm:     domainConfig(map[string]string{"prod.dev": "selector:\n  app: prod\n"}),
		want:   "example.com",
	}, {
		name:   "selector with the most keys wins",
		labels: map[string]string{"app": "prod", "team": "a", "tier": "web"},
		cm: domainConfig(map[string]string{
			"a.dev":       "selector:\n  app: prod\n",
			"b.dev":       "selector:\n  app: prod\n  team: a\n",
			"c.dev":       "selector:\n  app: prod\n  team: b\n  tier: web\n", // more keys, but no match
			"knative.dev": "",
		}),
		want: "b.dev",
	}, {
		name:   "equally specific matches: first in key order wins",
		labels: map[string]string{"app": "prod", "team": "a"},
		cm: domainConfig(map[string]string{
			"z.dev": "selector:\n  team: a\n",
			"m.dev": "selector:\n  app: prod\n",
		}),
		want: "m.dev",
	}, {
		name:   "malformed entry is ignored",
		labels: map[string]string{"app": "prod"},
		cm: domainConfig(map[string]string{
			"bad.dev":     "selector: [app, prod",
			"also.dev":    "selector: not-a-map",
			"knative.dev": "",
		}),
		want: "knative.dev",
	}, {
		name:   "cluster-local visibility label wins over every entry",
		labels: map[string]string{VisibilityLabelKey: "cluster-local", "app": "prod"},
		cm:     domainConfig(map[string]string{"prod.dev": "selector:\n  app: prod\n", "knative.dev": ""}),
		want:   "svc.cluster.local",
	}, {
		name:   "cluster-local visibility without a ConfigMap",
		labels: map[string]string{VisibilityLabelKey: "cluster-local"},
		want:   "svc.cluster.local",
	}, {
		name:   "other visibility values are ignored",
		labels: map[string]string{VisibilityLabelKey: "public"},
		cm:     domainConfig(map[string]string{"knative.dev": ""}),
		want:   "knative.dev",
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Domain(route(tc.labels), tc.cm); got != tc.want {
				t.Errorf("Domain = %q, want %q", got, tc.want)
			}
		})
	}
}

// knativeExample is the shape of the `_example` key that Knative's shipped
// config-domain.yaml carries: commented documentation around YAML snippets.
const knativeExample = `
################################
#    EXAMPLE CONFIGURATION     #
################################

# Default value for domain.
example.com: |

# example.org will be used for routes having app=nonprofit.
example.org: |
  selector:
    app: nonprofit
`

// Knative's config-domain documents itself under `_example`, whose value has
// no top-level selector; it must not be taken for a domain.
func TestDomainIgnoresExampleKey(t *testing.T) {
	tests := []struct {
		name string
		data map[string]string
		want string
	}{
		{name: "only _example", data: map[string]string{"_example": knativeExample}, want: "example.com"},
		{name: "_example and a default", data: map[string]string{"_example": knativeExample, "knative.dev": ""}, want: "knative.dev"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Domain(route(nil), domainConfig(tc.data)); got != tc.want {
				t.Errorf("Domain = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestURLs(t *testing.T) {
	rt := route(nil)
	tests := []struct {
		name string
		got  string
		want string
	}{
		{name: "URL", got: URL(rt, "example.com"), want: "http://hello.prod-ns.example.com"},
		{name: "URL custom domain", got: URL(rt, "knative.dev"), want: "http://hello.prod-ns.knative.dev"},
		{name: "TagURL", got: TagURL(rt, "candidate", "example.com"), want: "http://candidate-hello.prod-ns.example.com"},
		{name: "AddressURL", got: AddressURL(rt), want: "http://hello.prod-ns.svc.cluster.local"},
		{name: "Host", got: Host("a", "b", "c.d"), want: "a.b.c.d"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, tc.got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
