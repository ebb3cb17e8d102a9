package cluster_test

import (
	"context"
	"sync"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	logf "sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"

	"github.com/knsim/knsim/sim/cluster"
	"github.com/knsim/knsim/sim/distribution"
	"github.com/knsim/knsim/sim/world"
)

func TestCluster(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Cluster emulation (envtest, wall clock)")
}

// drain is short enough for a quick suite, long enough to watch a pod drain.
const drain = 2 * time.Second

// maxPending is the suite's bound of Pending pods per Deployment.
const maxPending = 20

var (
	w      *world.World
	c      client.Client
	events = &recorder{}
)

// recorder keeps the emulation's pod events.
type recorder struct {
	mu     sync.Mutex
	events []cluster.PodEvent
}

func (r *recorder) record(e cluster.PodEvent) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, e)
}

// of returns the events of one pod, in order.
func (r *recorder) of(pod string) []cluster.PodEvent {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []cluster.PodEvent
	for _, e := range r.events {
		if e.Pod == pod {
			out = append(out, e)
		}
	}
	return out
}

var _ = BeforeSuite(func(ctx SpecContext) {
	logf.SetLogger(zap.New(zap.WriteTo(GinkgoWriter), zap.UseDevMode(true)))
	var err error
	w, err = world.Start(context.Background(), world.Config{Cluster: cluster.Config{
		Seed: 1,
		// Two small nodes, so a few pods fill them.
		NodePools:       []cluster.NodePool{{Count: 2, CPU: resource.MustParse("1"), Memory: resource.MustParse("4Gi"), Labels: map[string]string{"zone": "a"}}},
		ImagePull:       distribution.UniformDuration(100*time.Millisecond, 200*time.Millisecond),
		CachedImagePull: distribution.ConstantDuration(10 * time.Millisecond),
		ContainerStart:  distribution.ConstantDuration(50 * time.Millisecond),
		Readiness:       distribution.ConstantDuration(50 * time.Millisecond),
		Drain:           ptr.To(drain),
		MaxPendingPods:  maxPending,
		OnPodEvent:      events.record,
	}})
	Expect(err).NotTo(HaveOccurred())
	c = w.Client
	SetDefaultEventuallyTimeout(30 * time.Second)
	EnforceDefaultTimeoutsWhenUsingContexts()
	SetDefaultEventuallyPollingInterval(20 * time.Millisecond)
}, NodeTimeout(2*time.Minute))

var _ = AfterSuite(func() {
	if w != nil {
		Expect(w.Stop()).To(Succeed())
	}
})
