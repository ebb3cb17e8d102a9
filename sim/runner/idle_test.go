package runner

import (
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/types"
)

// Idle memory-time counts, each second, a revision's Ready pods beyond its
// mean in-flight requests, times its pods' memory, up to the instant asked.
func TestIdleGiBSeconds(t *testing.T) {
	r := newRecorder(time.Time{})
	a := types.NamespacedName{Namespace: "default", Name: "a-00001"}
	b := types.NamespacedName{Namespace: "default", Name: "b-00001"}
	r.noteRevision(a, "a")
	r.noteRevision(b, "b")
	r.podsByRev = map[types.NamespacedName][]*podLife{a: {{gib: 0.5}}, b: {{gib: 2}}}
	sec := func(s int, ready int32, conc float64) sample {
		return sample{t: time.Duration(s) * time.Second, ready: ready, concurrency: conc}
	}
	r.series[a] = []sample{sec(1, 2, 0.5), sec(2, 2, 2), sec(3, 1, 3), sec(4, 4, 0)}
	r.series[b] = []sample{sec(1, 1, 0), sec(2, 0, 0)}
	all := func(string, types.NamespacedName) bool { return true }
	onlyA := func(_ string, rev types.NamespacedName) bool { return rev == a }
	for _, tc := range []struct {
		name  string
		at    time.Duration
		scope scopeFunc
		want  float64
	}{
		// a: 1.5 + 0 + 0 (busier than its pods) + 4 pods idle = 5.5 pods·s of 0.5 GiB; b: 1 pod·s of 2 GiB.
		{"whole run", 4 * time.Second, all, 5.5*0.5 + 2},
		{"up to 2 s", 2 * time.Second, all, 1.5*0.5 + 2},
		{"one revision", 4 * time.Second, onlyA, 5.5 * 0.5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := r.idleGiBSeconds(tc.at, tc.scope); got != tc.want {
				t.Errorf("idleGiBSeconds = %v, want %v", got, tc.want)
			}
		})
	}
}
