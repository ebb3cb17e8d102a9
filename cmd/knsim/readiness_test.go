package main

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/knsim/knsim/sim/results"
)

func TestWriteReadinessCSV(t *testing.T) {
	tests := []struct {
		name      string
		readiness *results.Readiness
		want      string // the CSV, "" for no file
	}{
		{"no breakdown, no file", nil, ""},
		{"a breakdown of no Services is a header", results.Breakdown(nil),
			"namespace,service,revision,created_s,configuration_ms,revision_ms,deployment_ms,scheduled_ms,started_ms,autoscaler_ms,sks_ms,route_ms,ready_ms\n"},
		{"one Service that reached only its Revision", results.Breakdown([]results.StageTimes{{Namespace: "default", Service: "a", Revision: "a-1",
			At: []time.Duration{-1, 0, -1, -1, -1, -1, -1, -1, -1}}}),
			"namespace,service,revision,created_s,configuration_ms,revision_ms,deployment_ms,scheduled_ms,started_ms,autoscaler_ms,sks_ms,route_ms,ready_ms\n" +
				"default,a,a-1,0,,0,,,,,,,\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "s.virtual-memory.json")
			if err := writeReadinessCSV(path, &results.Results{Readiness: tc.readiness}); err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(filepath.Join(dir, "s.virtual-memory.readiness.csv"))
			if tc.want == "" {
				if !errors.Is(err, os.ErrNotExist) {
					t.Errorf("a CSV was written (%v)", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, string(b)); diff != "" {
				t.Errorf("CSV (-want +got):\n%s", diff)
			}
		})
	}
}
