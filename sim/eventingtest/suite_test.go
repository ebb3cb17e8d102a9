package eventingtest_test

import (
	"context"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	logf "sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"

	"github.com/knsim/knsim/sim/cluster"
	"github.com/knsim/knsim/sim/world"
	"github.com/knsim/knsim/system/reconciler"
	"github.com/knsim/knsim/system/source"
)

func TestEventing(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Eventing control plane (envtest)")
}

var (
	w *world.World
	c client.Client
	// emitted records every event the sources of the wall-clock world emit.
	emitted = &source.Recorder{}
)

var _ = BeforeSuite(func(ctx SpecContext) {
	logf.SetLogger(zap.New(zap.WriteTo(GinkgoWriter), zap.UseDevMode(true)))
	var err error
	w, err = world.Start(context.Background(), world.Config{
		Cluster: cluster.Config{Nodes: 2, PodStartup: 200 * time.Millisecond},
		Setup:   attach(emitted),
	})
	Expect(err).NotTo(HaveOccurred())
	c = w.Client
	SetDefaultEventuallyTimeout(30 * time.Second)
	SetDefaultEventuallyPollingInterval(50 * time.Millisecond)
	EnforceDefaultTimeoutsWhenUsingContexts()
}, NodeTimeout(2*time.Minute))

// attach makes e the Emitter of the world's event sources.
func attach(e source.Emitter) func(ctrl.Manager, reconciler.Options) error {
	return func(mgr ctrl.Manager, _ reconciler.Options) error {
		source.Attach(mgr, e)
		return nil
	}
}

var _ = AfterSuite(func() {
	if w != nil {
		Expect(w.Stop()).To(Succeed())
	}
})
