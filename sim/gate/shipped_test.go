package gate

import (
	"path/filepath"
	"testing"
)

// Every shipped gate file loads, and its committed baseline reads and
// holds every metric of every scenario: a gate that cannot run would only
// show in CI.
func TestShippedGates(t *testing.T) {
	files, err := filepath.Glob("../../scenarios/gates/*.gate.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no shipped gate files (%v)", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			l, err := Load(f)
			if err != nil {
				t.Fatal(err)
			}
			b, err := ReadBaseline(l.BaselinePath())
			if err != nil {
				t.Fatal(err)
			}
			if b.Gate != l.Gate.Name {
				t.Errorf("baseline of gate %q, want %q", b.Gate, l.Gate.Name)
			}
			n := 0
			for _, sc := range b.Scenarios {
				n += len(sc.Metrics)
			}
			want := 0
			for _, ms := range l.Metrics {
				want += len(ms)
			}
			if n != want {
				t.Errorf("the baseline holds %d metrics, the gate measures %d", n, want)
			}
		})
	}
}
