package runner

import (
	"testing"

	"github.com/knsim/knsim/sim/memory"
)

// A run that records its timing wraps its control plane; the wrapper must
// not hide the memory plane's change tracking, or every sync of a fleet
// run reads the whole topology again.
func TestChangesOfLooksThroughTiming(t *testing.T) {
	for _, tc := range []struct {
		name string
		b    backend
		want bool
	}{
		{"memory plane", memoryBackend{&memory.Plane{}}, true},
		{"memory plane with timing", timedBackend{backend: memoryBackend{&memory.Plane{}}, t: &Timing{}}, true},
		{"envtest", worldBackend{}, false},
		{"envtest with timing", timedBackend{backend: worldBackend{}, t: &Timing{}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, got := changesOf(tc.b); got != tc.want {
				t.Errorf("changesOf(%s) incremental = %v, want %v", tc.name, got, tc.want)
			}
		})
	}
}
