package resolver

import (
	"context"
	"errors"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	"github.com/knsim/knsim/system/apis/duck"
	eventingv1 "github.com/knsim/knsim/system/apis/eventing/v1"
	flowsv1 "github.com/knsim/knsim/system/apis/flows/v1"
	messagingv1 "github.com/knsim/knsim/system/apis/messaging/v1"
	servingv1 "github.com/knsim/knsim/system/apis/serving/v1"
)

// customGVK is a kind the scheme does not know, read as unstructured.
var customGVK = schema.GroupVersionKind{Group: "example.com", Version: "v1", Kind: "Widget"}

func testScheme() *runtime.Scheme {
	s := runtime.NewScheme()
	utilruntime.Must(clientgoscheme.AddToScheme(s))
	utilruntime.Must(servingv1.AddToScheme(s))
	utilruntime.Must(eventingv1.AddToScheme(s))
	utilruntime.Must(messagingv1.AddToScheme(s))
	utilruntime.Must(flowsv1.AddToScheme(s))
	return s
}

func ref(apiVersion, kind, name string) *duck.KReference {
	return &duck.KReference{APIVersion: apiVersion, Kind: kind, Name: name}
}

func objects() []client.Object {
	widget := &unstructured.Unstructured{}
	widget.SetGroupVersionKind(customGVK)
	widget.SetNamespace("default")
	widget.SetName("w")
	_ = unstructured.SetNestedField(widget.Object, "http://widget.example.com/in", "status", "address", "url")
	return []client.Object{
		&servingv1.Service{
			ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "event-display"},
			Status: servingv1.ServiceStatus{RouteStatusFields: servingv1.RouteStatusFields{
				Address: &duck.Addressable{URL: "http://event-display.default.svc.cluster.local"},
			}},
		},
		&servingv1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "starting"}},
		&corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: "other", Name: "plain"}},
		&eventingv1.Broker{
			ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "default"},
			Status: eventingv1.BrokerStatus{Address: duck.Addressable{
				URL: "http://broker-ingress.knative-eventing.svc.cluster.local/default/default",
			}},
		},
		&eventingv1.Broker{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "foo"}},
		&messagingv1.InMemoryChannel{
			ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "ch"},
			Status: messagingv1.ChannelableStatus{Address: duck.Addressable{
				URL: "http://ch-kn-channel.default.svc.cluster.local",
			}},
		},
		&flowsv1.Sequence{
			ObjectMeta: metav1.ObjectMeta{Namespace: "flows", Name: "seq"},
			Status: flowsv1.FlowStatus{Address: duck.Addressable{
				URL: "http://seq-kn-sequence-0-kn-channel.flows.svc.cluster.local",
			}},
		},
		widget,
	}
}

func TestURIFromDestination(t *testing.T) {
	tests := []struct {
		name    string
		dest    duck.Destination
		want    string
		wantErr string
	}{{
		name: "Knative Service address",
		dest: duck.Destination{Ref: ref("serving.knative.dev/v1", "Service", "event-display")},
		want: "http://event-display.default.svc.cluster.local",
	}, {
		name: "Kubernetes Service in another namespace",
		dest: duck.Destination{Ref: &duck.KReference{APIVersion: "v1", Kind: "Service", Name: "plain", Namespace: "other"}},
		want: "http://plain.other.svc.cluster.local",
	}, {
		name: "Broker",
		dest: duck.Destination{Ref: ref("eventing.knative.dev/v1", "Broker", "default")},
		want: "http://broker-ingress.knative-eventing.svc.cluster.local/default/default",
	}, {
		name: "InMemoryChannel",
		dest: duck.Destination{Ref: ref("messaging.knative.dev/v1", "InMemoryChannel", "ch")},
		want: "http://ch-kn-channel.default.svc.cluster.local",
	}, {
		name: "Sequence with explicit namespace",
		dest: duck.Destination{Ref: &duck.KReference{APIVersion: "flows.knative.dev/v1", Kind: "Sequence", Name: "seq", Namespace: "flows"}},
		want: "http://seq-kn-sequence-0-kn-channel.flows.svc.cluster.local",
	}, {
		name: "kind unknown to the scheme, read as unstructured",
		dest: duck.Destination{Ref: ref("example.com/v1", "Widget", "w")},
		want: "http://widget.example.com/in",
	}, {
		name: "absolute URI",
		dest: duck.Destination{URI: "https://example.com/events?x=1"},
		want: "https://example.com/events?x=1",
	}, {
		name: "URI relative to the ref's address",
		dest: duck.Destination{Ref: ref("serving.knative.dev/v1", "Service", "event-display"), URI: "/extra/path"},
		want: "http://event-display.default.svc.cluster.local/extra/path",
	}, {
		name:    "relative URI without a ref",
		dest:    duck.Destination{URI: "/path"},
		wantErr: `uri "/path" is not absolute`,
	}, {
		name:    "empty destination",
		wantErr: "destination has neither ref nor uri",
	}, {
		name:    "Broker without an address",
		dest:    duck.Destination{Ref: ref("eventing.knative.dev/v1", "Broker", "foo")},
		wantErr: "Broker default/foo is not ready: status.address.url is empty",
	}, {
		name:    "Knative Service still starting",
		dest:    duck.Destination{Ref: ref("serving.knative.dev/v1", "Service", "starting")},
		wantErr: "Service default/starting is not ready: status.address.url is empty",
	}, {
		name:    "missing Knative Service",
		dest:    duck.Destination{Ref: ref("serving.knative.dev/v1", "Service", "nope")},
		wantErr: `getting Service default/nope: services.serving.knative.dev "nope" not found`,
	}, {
		name:    "missing Kubernetes Service",
		dest:    duck.Destination{Ref: ref("v1", "Service", "nope")},
		wantErr: `getting Service default/nope: services "nope" not found`,
	}, {
		name:    "reference without apiVersion",
		dest:    duck.Destination{Ref: &duck.KReference{Kind: "Broker", Name: "x"}},
		wantErr: "reference Broker default/x needs apiVersion, kind and name",
	}, {
		name:    "kind unknown to the apiserver",
		dest:    duck.Destination{Ref: ref("nothing.example.com/v1", "Gadget", "g")},
		wantErr: `getting Gadget default/g: kind "Gadget" of apiVersion "nothing.example.com/v1" is unknown to the apiserver`,
	}}
	mapper := testMapper()
	c := fake.NewClientBuilder().WithScheme(testScheme()).WithRESTMapper(mapper).WithObjects(objects()...).Build()
	r := New(c)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := r.URIFromDestination(context.Background(), tc.dest, "default")
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error = %v, want it to contain %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if got != tc.want {
				t.Errorf("URI = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestErrorsKeepTheirCause(t *testing.T) {
	c := fake.NewClientBuilder().WithScheme(testScheme()).WithObjects(objects()...).Build()
	r := New(c)
	_, err := r.URIFromDestination(context.Background(), duck.Destination{Ref: ref("eventing.knative.dev/v1", "Broker", "missing")}, "default")
	if !apierrors.IsNotFound(err) {
		t.Errorf("missing Broker: IsNotFound(%v) = false", err)
	}
	_, err = r.URIFromDestination(context.Background(), duck.Destination{Ref: ref("eventing.knative.dev/v1", "Broker", "foo")}, "default")
	if !errors.Is(err, ErrNotAddressable) {
		t.Errorf("Broker without address: errors.Is(%v, ErrNotAddressable) = false", err)
	}
}

// testMapper maps every scheme kind plus the custom Widget kind.
func testMapper() *metaMapper {
	m := newMetaMapper(testScheme())
	m.add(customGVK)
	return m
}
