package servingtest_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests when they leave goroutines behind:
// its tests start a control plane (kube-apiserver, etcd, the controllers,
// the cluster emulation), whose every goroutine must end with its Stop.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m,
		// ginkgo/v2: the interrupt handler watches for signals for the
		// whole process once RunSpecs has started.
		goleak.IgnoreTopFunction("github.com/onsi/ginkgo/v2/internal/interrupt_handler.(*InterruptHandler).registerForInterrupts.func2"),
	)
}
