package eventingtest_test

import (
	"context"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/knsim/knsim/sim/cluster"
	"github.com/knsim/knsim/sim/engine"
	"github.com/knsim/knsim/sim/manifest"
	"github.com/knsim/knsim/sim/world"
	eventingv1 "github.com/knsim/knsim/system/apis/eventing/v1"
	flowsv1 "github.com/knsim/knsim/system/apis/flows/v1"
	messagingv1 "github.com/knsim/knsim/system/apis/messaging/v1"
	sourcesv1 "github.com/knsim/knsim/system/apis/sources/v1"
	"github.com/knsim/knsim/system/source"
)

var _ = Describe("eventing in virtual time", Ordered, func() {
	var (
		eng *engine.Engine
		vw  *world.World
		rec = &source.Recorder{}
	)
	BeforeAll(func(ctx SpecContext) {
		var err error
		eng, err = engine.New(engine.Config{Seed: 1})
		Expect(err).NotTo(HaveOccurred())
		vw, err = world.Start(context.Background(), world.Config{
			Engine:  eng,
			Cluster: cluster.Config{Nodes: 1, PodStartup: time.Second},
			Setup:   attach(rec),
		})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(vw.Stop)
	}, NodeTimeout(2*time.Minute))

	It("fires every minute, exactly on the minute, through the Emitter", SpecTimeout(2*time.Minute), func(ctx SpecContext) {
		t0 := eng.Now()
		Expect(t0).To(Equal(t0.Truncate(time.Minute)), "the engine starts on a minute boundary")
		objs := `
apiVersion: sources.knative.dev/v1
kind: PingSource
metadata: {name: tick, namespace: default}
spec:
  schedule: "*/1 * * * *"
  contentType: application/json
  data: '{"message": "tick"}'
  sink: {uri: "http://sink.example.com/ticks"}
`
		Expect(applyTo(ctx, vw, objs)).To(Succeed())
		Expect(vw.Settle(ctx)).To(Succeed())
		Expect(rec.Events()).To(BeEmpty(), "nothing fires before the first minute")

		Expect(vw.RunFor(ctx, 2*time.Minute)).To(Succeed())
		got := rec.Events()
		Expect(got).To(HaveLen(2))
		for i, e := range got {
			Expect(e.SinkURI).To(Equal("http://sink.example.com/ticks"))
			Expect(e.Event.Type()).To(Equal("dev.knative.sources.ping"))
			Expect(e.Event.Source()).To(Equal("/apis/v1/namespaces/default/pingsources/tick"))
			Expect(e.Event.Time()).To(BeTemporally("==", t0.Add(time.Duration(i+1)*time.Minute)))
			Expect(string(e.Event.Data())).To(Equal(`{"message": "tick"}`))
		}
		Expect(got[0].Event.ID()).NotTo(Equal(got[1].Event.ID()))

		ps := &sourcesv1.PingSource{}
		Expect(vw.Client.Get(ctx, client.ObjectKey{Namespace: "default", Name: "tick"}, ps)).To(Succeed())
		Expect(ps.Status.Annotations).To(HaveKeyWithValue("sources.knsim.dev/lastFireTime", t0.Add(2*time.Minute).UTC().Format(time.RFC3339Nano)))

		Expect(vw.RunFor(ctx, 30*time.Second)).To(Succeed())
		Expect(rec.Events()).To(HaveLen(2), "no event between the minutes")
	})

	It("settles with every example Ready: no controller keeps writing", SpecTimeout(2*time.Minute), func(ctx SpecContext) {
		for _, f := range []string{"broker-trigger.yaml", "channel-subscription.yaml", "sequence.yaml", "parallel.yaml"} {
			objs, err := manifest.DecodeFile(filepath.Join("testdata", f))
			Expect(err).NotTo(HaveOccurred())
			Expect(vw.Apply(ctx, "default", objs...)).To(Succeed(), f)
		}
		// Pods start after a virtual second; Settle returns only once no
		// controller has anything left to do.
		Expect(vw.RunFor(ctx, 5*time.Second)).To(Succeed())
		b := &eventingv1.Broker{}
		Expect(vw.Client.Get(ctx, client.ObjectKey{Namespace: "default", Name: "default"}, b)).To(Succeed())
		Expect(b.Status.IsReady()).To(BeTrue(), "broker: %+v", b.Status.Conditions)
		t := &eventingv1.Trigger{}
		Expect(vw.Client.Get(ctx, client.ObjectKey{Namespace: "default", Name: "my-trigger"}, t)).To(Succeed())
		Expect(t.Status.IsReady()).To(BeTrue(), "trigger: %+v", t.Status.Conditions)
		seq := &flowsv1.Sequence{}
		Expect(vw.Client.Get(ctx, client.ObjectKey{Namespace: "default", Name: "my-sequence"}, seq)).To(Succeed())
		Expect(seq.Status.IsReady()).To(BeTrue(), "sequence: %+v", seq.Status.Conditions)
		par := &flowsv1.Parallel{}
		Expect(vw.Client.Get(ctx, client.ObjectKey{Namespace: "default", Name: "my-parallel"}, par)).To(Succeed())
		Expect(par.Status.IsReady()).To(BeTrue(), "parallel: %+v", par.Status.Conditions)
		sub := &messagingv1.Subscription{}
		Expect(vw.Client.Get(ctx, client.ObjectKey{Namespace: "default", Name: "test-subscription"}, sub)).To(Succeed())
		Expect(sub.Status.IsReady()).To(BeTrue(), "subscription: %+v", sub.Status.Conditions)
		Expect(vw.Settle(ctx)).To(Succeed())
	})
})
