package world_test

import (
	"context"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/knsim/knsim/sim/cluster"
	"github.com/knsim/knsim/sim/engine"
	"github.com/knsim/knsim/sim/manifest"
	"github.com/knsim/knsim/sim/world"
	servingv1 "github.com/knsim/knsim/system/apis/serving/v1"
	"github.com/knsim/knsim/system/reconciler"
)

// timerReconciler requeues a ConfigMap 30 s after first seeing it, then
// stamps the (virtual) time it acted.
type timerReconciler struct {
	client.Client
	clock clock.PassiveClock
}

const firstSeen, actedAt = "test.knsim.dev/first-seen", "test.knsim.dev/acted-at"

func (r *timerReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	cm := &corev1.ConfigMap{}
	if err := r.Get(ctx, req.NamespacedName, cm); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if cm.Labels["test"] != "timer" || cm.Annotations[actedAt] != "" {
		return ctrl.Result{}, nil
	}
	now := r.clock.Now()
	if cm.Annotations[firstSeen] == "" {
		cm.Annotations = map[string]string{firstSeen: now.Format(time.RFC3339Nano)}
		return ctrl.Result{RequeueAfter: 30 * time.Second}, r.Update(ctx, cm)
	}
	seen, _ := time.Parse(time.RFC3339Nano, cm.Annotations[firstSeen])
	if wait := seen.Add(30 * time.Second).Sub(now); wait > 0 {
		return ctrl.Result{RequeueAfter: wait}, nil
	}
	cm.Annotations[actedAt] = now.Format(time.RFC3339Nano)
	return ctrl.Result{}, r.Update(ctx, cm)
}

func startVirtual(ctx context.Context, eng *engine.Engine) *world.World {
	w, err := world.Start(ctx, world.Config{
		Engine:  eng,
		Cluster: cluster.Config{Nodes: 2, PodStartup: 2 * time.Second},
		// The test's controller updates ConfigMaps, which the stack's role
		// does not grant.
		SetupRules: []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"configmaps"}, Verbs: []string{"get", "list", "watch", "update"}}},
		Setup: func(mgr ctrl.Manager, opts reconciler.Options) error {
			return opts.NewController(mgr, "test-timer", &corev1.ConfigMap{}).
				Complete(&timerReconciler{Client: mgr.GetClient(), clock: opts.Clock})
		},
	})
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(w.Stop)
	return w
}

var _ = Describe("virtual time against envtest", Ordered, func() {
	var (
		eng *engine.Engine
		w   *world.World
	)
	BeforeAll(func(ctx SpecContext) {
		var err error
		eng, err = engine.New(engine.Config{Seed: 1})
		Expect(err).NotTo(HaveOccurred())
		w = startVirtual(context.Background(), eng)
	}, NodeTimeout(2*time.Minute))

	It("runs a 30 s RequeueAfter at exactly virtual +30 s, in far less wall time", func(ctx SpecContext) {
		t0 := eng.Now()
		cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "timer", Namespace: "default", Labels: map[string]string{"test": "timer"}}}
		Expect(w.Client.Create(ctx, cm)).To(Succeed())

		wallStart := time.Now()
		Expect(w.RunFor(ctx, 45*time.Second)).To(Succeed())
		wall := time.Since(wallStart)
		AddReportEntry("wall time for 45 virtual seconds", wall.String())

		Expect(w.Client.Get(ctx, client.ObjectKeyFromObject(cm), cm)).To(Succeed())
		Expect(cm.Annotations[firstSeen]).To(Equal(t0.Format(time.RFC3339Nano)))
		Expect(cm.Annotations[actedAt]).To(Equal(t0.Add(30 * time.Second).Format(time.RFC3339Nano)))
		Expect(eng.Now()).To(Equal(t0.Add(45 * time.Second)))
	})

	It("makes a Service Ready exactly when its pod has started, in virtual time", func(ctx SpecContext) {
		objs, err := manifest.DecodeFile("testdata/helloworld-go.yaml")
		Expect(err).NotTo(HaveOccurred())
		t0 := eng.Now()
		Expect(manifest.Apply(ctx, w.Client, "default", objs...)).To(Succeed())

		Expect(w.Settle(ctx)).To(Succeed())
		svc := &servingv1.Service{}
		key := client.ObjectKey{Namespace: "default", Name: "helloworld-go"}
		Expect(w.Client.Get(ctx, key, svc)).To(Succeed())
		Expect(svc.Status.IsReady()).To(BeFalse(), "the pod needs 2 virtual seconds to start")
		Expect(svc.Status.LatestCreatedRevisionName).To(Equal("helloworld-go-1"))

		Expect(w.RunFor(ctx, 2*time.Second)).To(Succeed())
		Expect(w.Client.Get(ctx, key, svc)).To(Succeed())
		Expect(svc.Status.IsReady()).To(BeTrue(), "conditions: %+v", svc.Status.Conditions)
		ready := svc.Status.GetCondition("Ready")
		Expect(ready.LastTransitionTime.Time.Equal(t0.Add(2*time.Second))).To(BeTrue(),
			"Ready at %s, want %s", ready.LastTransitionTime.Time, t0.Add(2*time.Second))
	})
})
