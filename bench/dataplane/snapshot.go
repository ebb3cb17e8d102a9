package dataplanebench

import (
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"

	servingv1 "github.com/knsim/knsim/system/apis/serving/v1"
	"github.com/knsim/knsim/system/topology"
)

// The hosts of the two Routes the plane serves.
const (
	serveHost = "serve.default.example.com"
	proxyHost = "proxy.default.example.com"
)

// snapshot is a control plane with two Services of one revision and one
// ready pod each (containerConcurrency 0): "serve" in Serve mode, "proxy"
// in Proxy mode, so its requests go through the activator.
func snapshot() *topology.Serving {
	route := func(name string) *servingv1.Route {
		return &servingv1.Route{
			ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: name, ResourceVersion: "1"},
			Status: servingv1.RouteStatus{RouteStatusFields: servingv1.RouteStatusFields{
				URL: "http://" + name + ".default.example.com",
				Traffic: []servingv1.TrafficTarget{{
					RevisionName: name + "-00001", Percent: ptr.To[int64](100), LatestRevision: ptr.To(true),
				}},
			}},
		}
	}
	rev := func(name string, proxy bool) topology.RevisionInfo {
		return topology.RevisionInfo{Service: name, Timeout: time.Duration(servingv1.DefaultTimeoutSeconds) * time.Second,
			Proxy: proxy, ReadyPods: []string{name + "-00001-deployment-0"}}
	}
	return &topology.Serving{
		Routes: []*servingv1.Route{route("serve"), route("proxy")},
		Revisions: map[types.NamespacedName]topology.RevisionInfo{
			{Namespace: "default", Name: "serve-00001"}: rev("serve", false),
			{Namespace: "default", Name: "proxy-00001"}: rev("proxy", true),
		},
	}
}
