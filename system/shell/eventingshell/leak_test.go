package eventingshell

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests when they leave goroutines behind:
// this package starts servers, subscribers and dispatchers that must stop
// with their context.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
