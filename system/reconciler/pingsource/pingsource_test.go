package pingsource

import (
	"context"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	clocktesting "k8s.io/utils/clock/testing"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	"github.com/knsim/knsim/system/apis/duck"
	sourcesv1 "github.com/knsim/knsim/system/apis/sources/v1"
	"github.com/knsim/knsim/system/reconciler"
	"github.com/knsim/knsim/system/reconciler/pingsource/resources"
	"github.com/knsim/knsim/system/source"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func TestFiring(t *testing.T) {
	scheme := runtime.NewScheme()
	utilruntime.Must(sourcesv1.AddToScheme(scheme))
	ps := &sourcesv1.PingSource{
		ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "tick", UID: "u1", Generation: 1},
		Spec: sourcesv1.PingSourceSpec{
			SourceSpec: duck.SourceSpec{Sink: duck.Destination{URI: "http://sink.example.com"}},
			Schedule:   "*/1 * * * *", Data: "tick",
		},
	}
	c := fake.NewClientBuilder().WithScheme(scheme).WithStatusSubresource(ps).WithObjects(ps).Build()
	clk := clocktesting.NewFakeClock(t0.Add(10 * time.Second))
	rec := &source.Recorder{}
	newReconciler := func() *Reconciler {
		return &Reconciler{Client: c, Options: reconciler.Options{Clock: clk}, Emitter: rec}
	}
	r := newReconciler()
	req := ctrl.Request{NamespacedName: client.ObjectKeyFromObject(ps)}
	step := func(r *Reconciler, at time.Time, wantEvents int, wantRequeue time.Duration) {
		t.Helper()
		clk.SetTime(at)
		res, err := r.Reconcile(context.Background(), req)
		if err != nil {
			t.Fatalf("at %s: %v", at, err)
		}
		if got := len(rec.Events()); got != wantEvents {
			t.Fatalf("at %s: %d events, want %d", at, got, wantEvents)
		}
		if res.RequeueAfter != wantRequeue {
			t.Fatalf("at %s: RequeueAfter %s, want %s", at, res.RequeueAfter, wantRequeue)
		}
	}

	step(r, t0.Add(10*time.Second), 0, 50*time.Second)
	got := &sourcesv1.PingSource{}
	if err := c.Get(context.Background(), req.NamespacedName, got); err != nil {
		t.Fatal(err)
	}
	if !got.Status.IsReady() || got.Status.SinkURI != "http://sink.example.com" {
		t.Fatalf("status = %+v", got.Status)
	}
	step(r, t0.Add(time.Minute), 1, time.Minute)
	step(r, t0.Add(time.Minute), 1, time.Minute)               // the same instant fires once
	step(newReconciler(), t0.Add(time.Minute), 1, time.Minute) // also after a restart
	step(r, t0.Add(5*time.Minute+10*time.Second), 2, 50*time.Second)

	evs := rec.Events()
	for i, want := range []time.Time{t0.Add(time.Minute), t0.Add(5 * time.Minute)} {
		if !evs[i].Event.Time().Equal(want) || evs[i].SinkURI != "http://sink.example.com" || string(evs[i].Event.Data()) != "tick" {
			t.Errorf("event %d: %s to %s", i, evs[i].Event, evs[i].SinkURI)
		}
	}
	if err := c.Get(context.Background(), req.NamespacedName, got); err != nil {
		t.Fatal(err)
	}
	if v := got.Status.Annotations[resources.LastFireAnnotation]; v != "2026-01-01T00:05:00Z" {
		t.Errorf("last fire annotation = %q", v)
	}
}

func TestNoSinkNoFiring(t *testing.T) {
	scheme := runtime.NewScheme()
	utilruntime.Must(sourcesv1.AddToScheme(scheme))
	ps := &sourcesv1.PingSource{
		ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "tick"},
		Spec: sourcesv1.PingSourceSpec{
			SourceSpec: duck.SourceSpec{Sink: duck.Destination{Ref: &duck.KReference{APIVersion: "v1", Kind: "Service", Name: "missing"}}},
			Schedule:   "* * * * *",
		},
	}
	c := fake.NewClientBuilder().WithScheme(scheme).WithStatusSubresource(ps).WithObjects(ps).Build()
	rec := &source.Recorder{}
	r := &Reconciler{Client: c, Options: reconciler.Options{Clock: clocktesting.NewFakeClock(t0.Add(time.Hour))}, Emitter: rec}
	res, err := r.Reconcile(context.Background(), ctrl.Request{NamespacedName: client.ObjectKeyFromObject(ps)})
	if err != nil || res.RequeueAfter != 0 || len(rec.Events()) != 0 {
		t.Fatalf("Reconcile = %+v, %v with %d events", res, err, len(rec.Events()))
	}
	got := &sourcesv1.PingSource{}
	if err := c.Get(context.Background(), client.ObjectKeyFromObject(ps), got); err != nil {
		t.Fatal(err)
	}
	if c := got.Status.GetCondition(ConditionSinkProvided); !c.IsFalse() || c.Reason != "NotFound" {
		t.Errorf("SinkProvided = %+v", c)
	}
}
