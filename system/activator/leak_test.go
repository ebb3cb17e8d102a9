package activator

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests when they leave goroutines behind:
// the servers and waiting requests this package handles must end with
// their context.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
