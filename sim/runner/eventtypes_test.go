package runner

import (
	"context"
	"testing"
	"time"

	cloudevents "github.com/cloudevents/sdk-go/v2"
	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	"github.com/knsim/knsim/sim/eventplane"
	eventingv1 "github.com/knsim/knsim/system/apis/eventing/v1"
	eventingv1beta2 "github.com/knsim/knsim/system/apis/eventing/v1beta2"
	messagingv1 "github.com/knsim/knsim/system/apis/messaging/v1"
	"github.com/knsim/knsim/system/stack"
)

// TestAutoTypes: what the ingresses took becomes EventTypes at the next
// settle when the flag is on, one per (object, type, source), with the
// channel's kind read from the control plane; with the flag off nothing is
// created, and what was taken is registered once a write turns it on.
func TestAutoTypes(t *testing.T) {
	ev := func(typ, src string) *cloudevents.Event {
		e := cloudevents.NewEvent()
		e.SetType(typ)
		e.SetSource(src)
		return &e
	}
	type row struct{ Kind, Ref, Type, Source string }
	objs := []client.Object{
		&eventingv1.Broker{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "orders", UID: "b"}},
		&messagingv1.InMemoryChannel{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "seq-0", UID: "c"}},
	}
	flag := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "knative-eventing", Name: "config-features"},
		Data: map[string]string{"eventtype-auto-create": "disabled"}}
	c := fake.NewClientBuilder().WithScheme(stack.Scheme()).WithObjects(append(objs, flag)...).Build()
	ctx := context.Background()
	var a autoTypes
	take := func() {
		a.note(eventplane.Ingressed{At: time.Time{}, Broker: true, Namespace: "default", Name: "orders", Event: ev("order.created", "/shop")})
		a.note(eventplane.Ingressed{Broker: true, Namespace: "default", Name: "orders", Event: ev("order.created", "/shop")})
		a.note(eventplane.Ingressed{Broker: true, Namespace: "default", Name: "orders", Event: ev("order.paid", "/shop")})
		a.note(eventplane.Ingressed{Namespace: "default", Name: "seq-0", Event: ev("step", "/seq")})
	}
	list := func() []row {
		var l eventingv1beta2.EventTypeList
		if err := c.List(ctx, &l); err != nil {
			t.Fatal(err)
		}
		var out []row
		for _, et := range l.Items {
			out = append(out, row{et.Spec.Reference.Kind, et.Spec.Reference.Name, et.Spec.Type, et.Spec.Source})
		}
		return out
	}
	steps := []struct {
		name   string
		enable bool
		take   bool
		want   []row
	}{
		{name: "flag disabled: none", take: true},
		{name: "flag enabled: what was taken while it was off is registered (listed by name)", enable: true, want: []row{
			{"Broker", "orders", "order.created", "/shop"}, {"Broker", "orders", "order.paid", "/shop"}, {"InMemoryChannel", "seq-0", "step", "/seq"},
		}},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			if st.enable {
				flag.Data["eventtype-auto-create"] = "enabled"
				if err := c.Update(ctx, flag); err != nil {
					t.Fatal(err)
				}
			}
			if st.take {
				take()
			}
			if st.enable {
				a.recheck() // the runner's settle, seeing the write
			}
			if err := a.create(ctx, c); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(st.want, list()); diff != "" {
				t.Errorf("EventTypes (-want +got):\n%s", diff)
			}
		})
	}
	if len(a.done) != 3 || len(a.pending) != 0 {
		t.Errorf("after creating: done %d, pending %d; want 3 and 0", len(a.done), len(a.pending))
	}
}
