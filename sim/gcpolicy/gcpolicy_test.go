package gcpolicy

import (
	"os"
	"runtime/debug"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	cases := []struct {
		name, in string
		want     Policy
		wantErr  string
	}{
		{name: "default", in: "default"},
		{name: "zero", in: "0"},
		{name: "binary", in: "1Gi", want: Policy{MemoryLimit: 1 << 30}},
		{name: "spaces", in: " 512Mi ", want: Policy{MemoryLimit: 512 << 20}},
		{name: "too small", in: "1Mi", wantErr: "at least 64Mi"},
		{name: "garbage", in: "lots", wantErr: `"lots"`},
		{name: "go spelling", in: "1GiB", wantErr: "quantity such as 1Gi"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse(tc.in)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Parse(%q) error = %v, want one containing %q", tc.in, err, tc.wantErr)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("Parse(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
			}
			if back, err := Parse(got.String()); err != nil || back != got {
				t.Errorf("Parse(%q.String() = %q) = %+v, %v", tc.in, got.String(), back, err)
			}
		})
	}
}

func TestApplyAndRestore(t *testing.T) {
	unsetenv(t, "GOGC")
	unsetenv(t, "GOMEMLIMIT")
	before := debug.SetGCPercent(100)
	defer debug.SetGCPercent(before)

	restore, desc := Apply(Policy{MemoryLimit: 256 << 20})
	if got := debug.SetMemoryLimit(-1); got != 256<<20 {
		t.Errorf("memory limit = %d, want %d", got, 256<<20)
	}
	if got := debug.SetGCPercent(-1); got != -1 {
		t.Errorf("GC percent = %d, want -1 (off)", got)
	}
	if !strings.Contains(desc, "256Mi") {
		t.Errorf("description %q does not name the limit", desc)
	}
	restore()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("GC percent after restore = %d, want 100", got)
	}
}

func TestApplyLeavesTheEnvironmentsChoice(t *testing.T) {
	t.Setenv("GOGC", "200")
	before := debug.SetGCPercent(150)
	defer debug.SetGCPercent(before)
	restore, desc := Apply(Policy{MemoryLimit: 256 << 20})
	defer restore()
	if got := debug.SetGCPercent(150); got != 150 {
		t.Errorf("GC percent = %d, want it untouched (150)", got)
	}
	if !strings.Contains(desc, "GOGC=200") {
		t.Errorf("description %q does not name the environment's setting", desc)
	}
}

// unsetenv removes k for the duration of the test.
func unsetenv(t *testing.T, k string) {
	t.Helper()
	t.Setenv(k, "") // restores the old value at the end
	if err := os.Unsetenv(k); err != nil {
		t.Fatal(err)
	}
}
