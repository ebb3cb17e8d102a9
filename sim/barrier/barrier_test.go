package barrier_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/runtime"
	clocktesting "k8s.io/utils/clock/testing"

	"github.com/knsim/knsim/sim/barrier"
)

// Wait runs the quiescence hooks once the control plane is idle, and again
// as long as one of them reports it gave the control plane work.
func TestWaitRunsQuiescenceHooks(t *testing.T) {
	b, err := barrier.New(runtime.NewScheme(), clocktesting.NewFakeClock(time.Unix(0, 0)))
	if err != nil {
		t.Fatal(err)
	}
	var calls []string
	rounds := 2 // the first hook has work twice, then none
	b.OnQuiescent(func() bool {
		calls = append(calls, "first")
		rounds--
		return rounds >= 0
	})
	b.OnQuiescent(func() bool {
		calls = append(calls, "second")
		return false
	})
	if err := b.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := []string{"first", "second", "first", "second", "first", "second"}
	if diff := cmp.Diff(want, calls); diff != "" {
		t.Errorf("hook calls (-want +got):\n%s", diff)
	}
}

// New refuses a missing scheme or clock.
func TestNewValidates(t *testing.T) {
	if _, err := barrier.New(nil, clocktesting.NewFakeClock(time.Unix(0, 0))); err == nil {
		t.Error("New(nil scheme) succeeded")
	}
	if _, err := barrier.New(runtime.NewScheme(), nil); err == nil {
		t.Error("New(nil clock) succeeded")
	}
}
