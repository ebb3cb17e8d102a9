package engine_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func draw(n int, f func() uint64) []uint64 {
	out := make([]uint64, n)
	for i := range out {
		out[i] = f()
	}
	return out
}

func TestRandStreams(t *testing.T) {
	a, b := newEngine(t, 42), newEngine(t, 42)
	if diff := cmp.Diff(draw(8, a.Rand("arrivals").Uint64), draw(8, b.Rand("arrivals").Uint64)); diff != "" {
		t.Errorf("same seed and name differ (-a +b):\n%s", diff)
	}

	// A component added in between must not perturb another's stream.
	c, d := newEngine(t, 42), newEngine(t, 42)
	d.Rand("newcomer").Uint64()
	if diff := cmp.Diff(draw(8, c.Rand("svc").Uint64), draw(8, d.Rand("svc").Uint64)); diff != "" {
		t.Errorf("stream perturbed by another component (-c +d):\n%s", diff)
	}

	// Repeated calls continue one stream.
	x := newEngine(t, 42)
	first := x.Rand("svc").Uint64()
	if x.Rand("svc") != x.Rand("svc") || x.Rand("svc").Uint64() == first {
		t.Error("Rand(name) did not return the same continuing stream")
	}

	e := newEngine(t, 42)
	f := newEngine(t, 43)
	for _, tc := range []struct {
		name string
		a, b []uint64
	}{
		{"different names", draw(8, e.Rand("a").Uint64), draw(8, e.Rand("b").Uint64)},
		{"different seeds", draw(8, e.Rand("z").Uint64), draw(8, f.Rand("z").Uint64)},
	} {
		if cmp.Equal(tc.a, tc.b) {
			t.Errorf("%s: identical streams", tc.name)
		}
	}
}
