package resources

import (
	"sort"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
	"sigs.k8s.io/yaml"

	servingv1 "github.com/knsim/knsim/system/apis/serving/v1"
	"github.com/knsim/knsim/system/network"
)

// Domain config keys and defaults, as Knative spells them.
const (
	// DomainConfigName is the ConfigMap mapping domains to Route selectors.
	DomainConfigName = "config-domain"
	// VisibilityLabelKey set to cluster-local keeps a Route off the gateway.
	VisibilityLabelKey = "networking.knative.dev/visibility"
)

type domainSelector struct {
	Selector map[string]string `json:"selector,omitempty"`
}

// Domain picks the Route's domain from config-domain (nil when absent): the
// entry whose selector matches the Route's labels with the most keys wins,
// then the entry with no selector, then example.com.
func Domain(rt *servingv1.Route, cm *corev1.ConfigMap) string {
	if rt.Labels[VisibilityLabelKey] == "cluster-local" {
		return network.ClusterLocalDomain
	}
	if cm == nil {
		return network.DefaultDomain
	}
	keys := make([]string, 0, len(cm.Data))
	for k := range cm.Data {
		if k == "_example" {
			continue // Knative's ConfigMaps document themselves under this key
		}
		keys = append(keys, k)
	}
	sort.Strings(keys) // deterministic among equally specific entries
	best, bestKeys := "", -1
	for _, domain := range keys {
		var sel domainSelector
		if err := yaml.Unmarshal([]byte(cm.Data[domain]), &sel); err != nil {
			continue // a malformed entry never matches; the webhook-free ConfigMap can't be refused
		}
		if len(sel.Selector) > bestKeys && labels.SelectorFromSet(sel.Selector).Matches(labels.Set(rt.Labels)) {
			best, bestKeys = domain, len(sel.Selector)
		}
	}
	if best == "" {
		return network.DefaultDomain
	}
	return best
}

// URL is the Route's external URL.
func URL(rt *servingv1.Route, domain string) string {
	return "http://" + Host(rt.Name, rt.Namespace, domain)
}

// TagURL is the URL of a tagged target.
func TagURL(rt *servingv1.Route, tag, domain string) string {
	return "http://" + Host(tag+"-"+rt.Name, rt.Namespace, domain)
}

// Host is {name}.{namespace}.{domain}.
func Host(name, namespace, domain string) string { return network.DomainHost(name, namespace, domain) }

// AddressURL is the Route's cluster-internal address.
func AddressURL(rt *servingv1.Route) string {
	return "http://" + Host(rt.Name, rt.Namespace, network.ClusterLocalDomain)
}
