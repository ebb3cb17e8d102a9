package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/knsim/knsim/sim/results"
	"github.com/knsim/knsim/sim/runner"
)

func TestSpeed(t *testing.T) {
	for _, tc := range []struct {
		name     string
		requests int
		virtual  float64
		wall     time.Duration
		timing   runner.Timing
		want     string
	}{
		{"faster than real time", 12000, 120, 2 * time.Second, runner.Timing{},
			"Speed: 12000 requests in 2s of wall time, 6000 requests per wall second, 60.0x real time (start-up 0s, stop 0s)"},
		{"start-up and stop apart", 12000, 120, 10 * time.Second, runner.Timing{StartUp: 6 * time.Second, Stop: 2 * time.Second},
			"Speed: 12000 requests in 2s of wall time, 6000 requests per wall second, 60.0x real time (start-up 6s, stop 2s)"},
		{"no wall time", 0, 1, 0, runner.Timing{},
			"Speed: 0 requests in 0s of wall time, 0 requests per wall second, 1000000000.0x real time (start-up 0s, stop 0s)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &results.Results{}
			r.Requests.Total = tc.requests
			r.Scenario.Duration = results.Seconds(tc.virtual)
			if got := speed(r, tc.wall, tc.timing); got != tc.want {
				t.Errorf("speed = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestStartCPUProfile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cpu.pprof")
	stop, err := startCPUProfile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Size() == 0 {
		t.Errorf("profile %s is empty", path)
	}
	if _, err := startCPUProfile(filepath.Join(t.TempDir(), "missing", "cpu.pprof")); err == nil || !strings.Contains(err.Error(), "--cpuprofile") {
		t.Errorf("profile in a missing folder: %v, want an error naming --cpuprofile", err)
	}
}
