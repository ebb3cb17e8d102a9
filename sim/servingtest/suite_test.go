package servingtest_test

import (
	"context"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"sigs.k8s.io/controller-runtime/pkg/client"
	logf "sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"

	"github.com/knsim/knsim/sim/cluster"
	"github.com/knsim/knsim/sim/world"
)

func TestServing(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Serving control plane (envtest)")
}

var (
	w *world.World
	c client.Client
)

var _ = BeforeSuite(func(ctx SpecContext) {
	logf.SetLogger(zap.New(zap.WriteTo(GinkgoWriter), zap.UseDevMode(true)))
	var err error
	w, err = world.Start(context.Background(), world.Config{
		Cluster: cluster.Config{Nodes: 2, PodStartup: 200 * time.Millisecond},
	})
	Expect(err).NotTo(HaveOccurred())
	c = w.Client
	SetDefaultEventuallyTimeout(30 * time.Second)
	SetDefaultEventuallyPollingInterval(50 * time.Millisecond)
}, NodeTimeout(2*time.Minute))

var _ = AfterSuite(func() {
	if w != nil {
		Expect(w.Stop()).To(Succeed())
	}
})
