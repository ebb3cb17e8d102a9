package controlplane

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests when they leave goroutines behind:
// they start kube-apiserver and etcd, whose process watchers, clients
// and the run folder's lock must all end with Stop. Nothing is ignored:
// these tests use no library that keeps a goroutine for the process.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
