package gate

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestRunDeterministic: the same gate gives identical measurements run one
// at a time or in parallel, and read back from its runs' results JSON.
func TestRunDeterministic(t *testing.T) {
	l, err := Load("testdata/tiny.gate.yaml")
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "runs")
	serial, err := l.Run(context.Background(), RunOptions{Workers: 1, Out: out})
	if err != nil {
		t.Fatal(err)
	}
	parallel, err := l.Run(context.Background(), RunOptions{Workers: 3})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(serial, parallel); diff != "" {
		t.Errorf("serial vs parallel (-serial +parallel):\n%s", diff)
	}
	read, err := l.FromResults(out)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(serial, read); diff != "" {
		t.Errorf("run vs read back (-run +read):\n%s", diff)
	}
	// The seeds give different values: otherwise the test would be empty.
	v := serial.Scenarios[0].Values["latency.p50"]
	if len(v) != 5 || v[0] == nil || v[1] == nil || *v[0] == *v[1] {
		t.Errorf("latency.p50 over seeds 1..5 = %v, want 5 values that differ", v)
	}
}
