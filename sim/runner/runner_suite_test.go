package runner_test

import (
	"context"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"go.uber.org/goleak"
	logf "sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"

	"github.com/knsim/knsim/sim/results"
	"github.com/knsim/knsim/sim/runner"
	"github.com/knsim/knsim/sim/scenario"
)

// TestMain fails the package's tests when they leave goroutines behind:
// its runs start control planes (envtest's kube-apiserver and etcd, or the
// memory plane), controllers, the cluster emulation and real-mode
// servers, whose every goroutine must end with the run.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m,
		// ginkgo/v2: the interrupt handler watches for signals for the
		// whole process once RunSpecs has started.
		goleak.IgnoreTopFunction("github.com/onsi/ginkgo/v2/internal/interrupt_handler.(*InterruptHandler).registerForInterrupts.func2"),
	)
}

func TestRunner(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Runner: serving behaviour in virtual time")
}

var _ = BeforeSuite(func() {
	logf.SetLogger(zap.New(zap.WriteTo(GinkgoWriter)))
})

// run parses an inline scenario (relative paths from testdata) and runs it.
func run(ctx context.Context, yaml string) *results.Results {
	sc, err := scenario.Parse("inline.yaml", []byte(yaml), "testdata")
	Expect(err).NotTo(HaveOccurred())
	res, err := runner.Run(ctx, sc, runner.Options{})
	Expect(err).NotTo(HaveOccurred())
	return res
}

// expectAllPassed fails with every failed expectation and its observed value.
func expectAllPassed(res *results.Results) {
	var failed []string
	for _, o := range res.Expectations {
		if !o.Pass {
			failed = append(failed, o.Expr+": "+o.Observed)
		}
	}
	Expect(failed).To(BeEmpty())
}

// sample returns the revision's sample at second t.
func sample(res *results.Results, revision string, t float64) results.Sample {
	for _, r := range res.Revisions {
		if r.Revision != revision {
			continue
		}
		for _, s := range r.Samples {
			if float64(s.T) == t {
				return s
			}
		}
	}
	Fail("no sample")
	return results.Sample{}
}
