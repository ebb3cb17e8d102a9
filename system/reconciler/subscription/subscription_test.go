package subscription

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	clocktesting "k8s.io/utils/clock/testing"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	"github.com/knsim/knsim/system/apis/duck"
	messagingv1 "github.com/knsim/knsim/system/apis/messaging/v1"
	"github.com/knsim/knsim/system/reconciler"
	"github.com/knsim/knsim/system/reconciler/inmemorychannel"
)

func TestSubscriptionLifecycle(t *testing.T) {
	ctx := context.Background()
	scheme := runtime.NewScheme()
	utilruntime.Must(messagingv1.AddToScheme(scheme))
	imc := &messagingv1.InMemoryChannel{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "ch"}}
	sub := &messagingv1.Subscription{
		ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "s", UID: "s-uid", Generation: 1},
		Spec: messagingv1.SubscriptionSpec{
			Channel:    duck.KReference{APIVersion: "messaging.knative.dev/v1", Kind: "InMemoryChannel", Name: "ch"},
			Subscriber: &duck.Destination{URI: "http://subscriber.example.com"},
			Delivery:   &duck.DeliverySpec{Retry: ptr.To[int32](2), DeadLetterSink: &duck.Destination{URI: "http://dead.example.com"}},
		},
	}
	c := fake.NewClientBuilder().WithScheme(scheme).WithStatusSubresource(imc, sub).WithObjects(imc, sub).Build()
	opts := reconciler.Options{Clock: clocktesting.NewFakeClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))}
	subs := &Reconciler{Client: c, Options: opts}
	imcs := inmemorychannel.New(c, opts)
	subReq := ctrl.Request{NamespacedName: client.ObjectKeyFromObject(sub)}
	imcReq := ctrl.Request{NamespacedName: client.ObjectKeyFromObject(imc)}
	reconcile := func(r interface {
		Reconcile(context.Context, ctrl.Request) (ctrl.Result, error)
	}, req ctrl.Request) {
		t.Helper()
		if _, err := r.Reconcile(ctx, req); err != nil {
			t.Fatal(err)
		}
	}

	reconcile(subs, subReq)
	if err := c.Get(ctx, client.ObjectKeyFromObject(imc), imc); err != nil {
		t.Fatal(err)
	}
	want := []duck.SubscriberSpec{{UID: "s-uid", Generation: 1, SubscriberURI: "http://subscriber.example.com",
		Delivery: &duck.DeliverySpec{Retry: ptr.To[int32](2), DeadLetterSink: &duck.Destination{URI: "http://dead.example.com"}}}}
	if diff := cmp.Diff(want, imc.Spec.Subscribers); diff != "" {
		t.Errorf("channel subscribers (-want +got):\n%s", diff)
	}
	if err := c.Get(ctx, subReq.NamespacedName, sub); err != nil {
		t.Fatal(err)
	}
	if sub.Status.IsReady() || !sub.Status.GetCondition(ConditionAddedToChannel).IsTrue() {
		t.Errorf("before the channel reports it: %+v", sub.Status.Conditions)
	}
	if sub.Status.PhysicalSubscription.DeadLetterSinkURI != "http://dead.example.com" {
		t.Errorf("physical subscription = %+v", sub.Status.PhysicalSubscription)
	}

	reconcile(imcs, imcReq)
	reconcile(subs, subReq)
	if err := c.Get(ctx, subReq.NamespacedName, sub); err != nil {
		t.Fatal(err)
	}
	if !sub.Status.IsReady() {
		t.Errorf("after the channel reports it: %+v", sub.Status.Conditions)
	}

	if err := c.Delete(ctx, sub); err != nil {
		t.Fatal(err)
	}
	reconcile(subs, subReq)
	if err := c.Get(ctx, subReq.NamespacedName, sub); !apierrors.IsNotFound(err) {
		t.Errorf("subscription still there after its finalizer ran: %v", err)
	}
	if err := c.Get(ctx, client.ObjectKeyFromObject(imc), imc); err != nil {
		t.Fatal(err)
	}
	if len(imc.Spec.Subscribers) != 0 {
		t.Errorf("channel still lists %+v", imc.Spec.Subscribers)
	}
}
