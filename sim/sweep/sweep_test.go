package sweep

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// runSweep loads a sweep file and runs it into a fresh folder.
func runSweep(t *testing.T, file string, opts Options) (string, *Report) {
	t.Helper()
	f, err := Load(file)
	if err != nil {
		t.Fatal(err)
	}
	if opts.Out == "" {
		opts.Out = t.TempDir()
	}
	rep, err := Run(context.Background(), f, opts)
	if err != nil {
		t.Fatal(err)
	}
	return opts.Out, rep
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestSmoke(t *testing.T) {
	out, rep := runSweep(t, "testdata/grid.yaml", Options{Workers: 2})
	t.Logf("%+v", rep)
	t.Log(readFile(t, filepath.Join(out, SummaryFile)))
}
