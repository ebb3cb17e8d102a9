package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/go-logr/logr"
	"github.com/google/go-cmp/cmp"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/knsim/knsim/sim/controlplane"
)

// TestSIGKILLLosesNothing runs knsim up on a state folder, sends 2,000
// events to a NatsJetStreamChannel whose subscriber fails 30 % of
// attempts, SIGKILLs knsim halfway and starts it again on the folder:
// every event is delivered or dead-lettered, none lost. Duplicates are
// allowed (at-least-once: a crash after the subscriber's 2xx and before
// the ack redelivers), and counted.
func TestSIGKILLLosesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("starts knsim up twice (a minute or more of wall time)")
	}
	if _, err := os.Stat(filepath.Join(controlplane.AssetsDir(), "kube-apiserver")); err != nil {
		t.Skipf("envtest binaries missing in %s (make envtest)", controlplane.AssetsDir())
	}
	ctrllog.SetLogger(logr.Discard())
	dir := t.TempDir()
	knsim := filepath.Join(dir, "knsim")
	build := exec.Command("go", "build", "-o", knsim, "github.com/knsim/knsim/cmd/knsim")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building knsim: %v\n%s", err, out)
	}
	c, err := Run(context.Background(), Config{
		Knsim: knsim, Dir: dir, Events: 2000, ErrorRate: 0.3, Retry: 3, Log: testWriter{t},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Log(c)
	if diff := cmp.Diff(Counts{In: 2000, Lost: 0}, Counts{In: c.In, Lost: c.Lost}); diff != "" {
		t.Errorf("in and lost (-want +got):\n%s", diff)
	}
	if c.Delivered+c.DeadLettered != c.In {
		t.Errorf("delivered %d + dead-lettered %d != in %d", c.Delivered, c.DeadLettered, c.In)
	}
	// 0.3^4 of 2000 is 16 events failing all 4 attempts.
	if c.DeadLettered == 0 {
		t.Errorf("no event dead-lettered: the subscriber's failures or the sink did not work (%s)", c)
	}
}

// testWriter sends progress lines to the test log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(string(p))
	return len(p), nil
}

// The counts tell delivered, dead-lettered, lost and duplicated apart.
func TestCount(t *testing.T) {
	for _, tc := range []struct {
		name    string
		sub, dl map[string]int
		want    Counts
	}{
		{"all delivered once", map[string]int{"order-0": 1, "order-1": 1, "order-2": 1}, nil,
			Counts{In: 3, Delivered: 3}},
		{"one dead-lettered, one lost", map[string]int{"order-0": 1}, map[string]int{"order-1": 1},
			Counts{In: 3, Delivered: 1, DeadLettered: 1, Lost: 1}},
		{"redelivered after a crash", map[string]int{"order-0": 2, "order-1": 1, "order-2": 1}, map[string]int{"order-1": 1},
			Counts{In: 3, Delivered: 3, Duplicated: 2}},
		{"dead-lettered twice", map[string]int{"order-0": 1, "order-1": 1}, map[string]int{"order-2": 2},
			Counts{In: 3, Delivered: 2, DeadLettered: 1, Duplicated: 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, count(3, tc.sub, tc.dl)); diff != "" {
				t.Errorf("count (-want +got):\n%s", diff)
			}
		})
	}
}

// The subscriber's failures are a fixed function of event and attempt, at
// about the rate asked for, and independent from one attempt to the next:
// at 30 %, 0.3^4 of events (81 of 10,000) fail four attempts in a row.
func TestFails(t *testing.T) {
	for _, tc := range []struct {
		name     string
		rate     float64
		attempts int
		lo, hi   int
	}{
		{"never", 0, 1, 0, 0},
		{"30 % of first attempts", 0.3, 1, 2800, 3200},
		{"30 %, two in a row", 0.3, 2, 800, 1000},
		{"30 %, four in a row", 0.3, 4, 50, 115},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := 0
			for i := range 10000 {
				all := true
				for a := 1; a <= tc.attempts; a++ {
					f := fails(eventID(i), a, tc.rate)
					if f != fails(eventID(i), a, tc.rate) {
						t.Fatalf("fails(%s, %d) is not repeatable", eventID(i), a)
					}
					all = all && f
				}
				if all {
					n++
				}
			}
			if n < tc.lo || n > tc.hi {
				t.Errorf("%d of 10000 events failed %d attempts in a row, want %d..%d", n, tc.attempts, tc.lo, tc.hi)
			}
		})
	}
}
