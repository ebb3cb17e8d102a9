package eventtype

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	"github.com/knsim/knsim/system/apis/duck"
	eventingv1 "github.com/knsim/knsim/system/apis/eventing/v1"
	eventingv1beta2 "github.com/knsim/knsim/system/apis/eventing/v1beta2"
	messagingv1 "github.com/knsim/knsim/system/apis/messaging/v1"
)

func TestAutoName(t *testing.T) {
	tests := []struct {
		name, obj, ns, typ, src string
		want                    string
	}{
		// md5("com.example.order" + "/shop" + "default" + "orders"), by md5sum.
		{name: "Knative's form", obj: "orders", ns: "default", typ: "com.example.order", src: "/shop",
			want: "et-orders-49d6236e39753de1d19e8dc3824a78da"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := AutoName(tt.obj, tt.ns, tt.typ, tt.src); got != tt.want {
				t.Errorf("AutoName = %q, want %q", got, tt.want)
			}
		})
	}
	long := AutoName(strings.Repeat("b", 260), "default", "t", "s")
	if len(long) != 243 || !strings.HasPrefix(long, "et-bbb") {
		t.Errorf("a name over 253 characters is cut to 243 (room for a suffix): got %d characters", len(long))
	}
}

func TestAutoCreate(t *testing.T) {
	s := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{corev1.AddToScheme, eventingv1.AddToScheme, eventingv1beta2.AddToScheme, messagingv1.AddToScheme} {
		if err := add(s); err != nil {
			t.Fatal(err)
		}
	}
	broker := &eventingv1.Broker{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "orders", UID: "b-uid"}}
	imc := &messagingv1.InMemoryChannel{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "ch", UID: "c-uid"}}
	brokerRef := duck.KReference{APIVersion: "eventing.knative.dev/v1", Kind: "Broker", Namespace: "default", Name: "orders"}
	chanRef := duck.KReference{APIVersion: "messaging.knative.dev/v1", Kind: "InMemoryChannel", Namespace: "default", Name: "ch"}
	features := func(v string) *corev1.ConfigMap {
		return &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "knative-eventing", Name: "config-features"},
			Data: map[string]string{"eventtype-auto-create": v}}
	}
	type row struct{ Name, Type, Source, RefKind, RefName, Owner, Description string }
	seen := []Seen{
		{Ref: brokerRef, Type: "com.example.order", Source: "/shop"},
		{Ref: brokerRef, Type: "com.example.order", Source: "/shop"}, // again: one EventType
		{Ref: chanRef, Type: "com.example.ping", Source: "/ping"},
		{Ref: duck.KReference{APIVersion: "eventing.knative.dev/v1", Kind: "Broker", Namespace: "default", Name: "gone"}, Type: "x", Source: "/x"},
	}
	tests := []struct {
		name        string
		objs        []client.Object
		wantCreated int
		want        []row
	}{
		{name: "flag absent: Knative's default is disabled", objs: []client.Object{broker, imc}},
		{name: "flag disabled", objs: []client.Object{broker, imc, features("disabled")}},
		{name: "flag enabled: one per (object, type, source), none for a gone Broker",
			objs: []client.Object{broker, imc, features("enabled")}, wantCreated: 2,
			want: []row{
				{Name: AutoName("ch", "default", "com.example.ping", "/ping"), Type: "com.example.ping", Source: "/ping",
					RefKind: "InMemoryChannel", RefName: "ch", Owner: "c-uid", Description: AutoDescription},
				{Name: "et-orders-49d6236e39753de1d19e8dc3824a78da", Type: "com.example.order", Source: "/shop",
					RefKind: "Broker", RefName: "orders", Owner: "b-uid", Description: AutoDescription},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := fake.NewClientBuilder().WithScheme(s).WithObjects(tt.objs...).Build()
			n, on, err := AutoCreate(context.Background(), c, seen)
			if err != nil {
				t.Fatal(err)
			}
			if on != (tt.wantCreated > 0) {
				t.Errorf("enabled = %v", on)
			}
			if n != tt.wantCreated {
				t.Errorf("created %d, want %d", n, tt.wantCreated)
			}
			var list eventingv1beta2.EventTypeList
			if err := c.List(context.Background(), &list); err != nil {
				t.Fatal(err)
			}
			var got []row
			for _, et := range list.Items {
				got = append(got, row{Name: et.Name, Type: et.Spec.Type, Source: et.Spec.Source, RefKind: et.Spec.Reference.Kind,
					RefName: et.Spec.Reference.Name, Owner: string(et.OwnerReferences[0].UID), Description: et.Spec.Description})
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("EventTypes (-want +got):\n%s", diff)
			}
		})
	}
}
