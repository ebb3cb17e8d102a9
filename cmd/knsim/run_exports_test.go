package main

import (
	"strings"
	"testing"

	"github.com/knsim/knsim/sim/scenario"
)

func TestExportFlags(t *testing.T) {
	virtual := &scenario.Scenario{Metadata: scenario.Metadata{Mode: scenario.Virtual}}
	realRun := &scenario.Scenario{Metadata: scenario.Metadata{Mode: scenario.Real}}
	for _, tc := range []struct {
		name    string
		o       exportOptions
		scs     []*scenario.Scenario
		wantErr string
	}{
		{name: "no files, any runs", scs: []*scenario.Scenario{virtual, realRun}},
		{name: "metrics of one virtual run", o: exportOptions{metricsOut: "m.om"}, scs: []*scenario.Scenario{virtual}},
		{name: "trace at 1", o: exportOptions{traceOut: "t.json", traceSample: 1}, scs: []*scenario.Scenario{virtual}},
		{name: "two scenarios", o: exportOptions{metricsOut: "m.om"}, scs: []*scenario.Scenario{virtual, virtual}, wantErr: "take one scenario file, got 2"},
		{name: "real mode", o: exportOptions{traceOut: "t.json", traceSample: 0.5}, scs: []*scenario.Scenario{realRun}, wantErr: "need a virtual run"},
		{name: "rate zero", o: exportOptions{traceOut: "t.json"}, scs: []*scenario.Scenario{virtual}, wantErr: "--trace-sample must be in (0, 1], got 0"},
		{name: "rate above one", o: exportOptions{traceOut: "t.json", traceSample: 2}, scs: []*scenario.Scenario{virtual}, wantErr: "got 2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.o.validate(tc.scs)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if tc.wantErr == "" && err != nil || tc.wantErr != "" && !strings.Contains(got, tc.wantErr) {
				t.Errorf("validate = %v, want %q", err, tc.wantErr)
			}
		})
	}
}
