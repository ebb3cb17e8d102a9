package fleetbench

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestWriteTable(t *testing.T) {
	results := []Result{
		{Config: Config{Functions: 20, Duration: time.Hour}, Services: 20, Invocations: 50000, Wall: 10 * time.Second, MaxRSS: 100 << 20},
		{Config: Config{Functions: 50, Duration: time.Hour}, Services: 50, Invocations: 125000, Wall: 30 * time.Second, MaxRSS: 150 << 20},
		{Config: Config{Functions: 20, Duration: 24 * time.Hour}, Services: 20, Invocations: 1250000, Wall: 200 * time.Second},
		{Config: Config{Functions: 50, Duration: 24 * time.Hour}, Services: 50, Invocations: 3000000, Errors: 3, Wall: 960 * time.Second},
	}
	for _, c := range []struct {
		name     string
		markdown bool
		want     string
	}{
		{"text", false, `  Services  duration         invocations   wall  invocations/s  peak RSS  cost/invocation vs N=20
        20        1h               50000    10s           5000   100 MiB                    1.00x
        50        1h              125000    30s           4167   150 MiB                    1.20x
        20       24h             1250000  3m20s           6250         -                    1.00x
        50       24h  3000000 (3 errors)  16m0s           3125         -                    2.00x
`},
		{"markdown", true, `| Services | duration | invocations | wall | invocations/s | peak RSS | cost/invocation vs N=20 |
|---:|---:|---:|---:|---:|---:|---:|
| 20 | 1h | 50000 | 10s | 5000 | 100 MiB | 1.00x |
| 50 | 1h | 125000 | 30s | 4167 | 150 MiB | 1.20x |
| 20 | 24h | 1250000 | 3m20s | 6250 | - | 1.00x |
| 50 | 24h | 3000000 (3 errors) | 16m0s | 3125 | - | 2.00x |
`},
	} {
		t.Run(c.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := WriteTable(&b, results, c.markdown); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(c.want, b.String()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// A small fleet runs end to end: every invocation of its first two
// minutes is served.
func TestRun(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the simulator")
	}
	res, err := Run(context.Background(), Config{Functions: 5, Duration: 2 * time.Minute, Seed: 1, Start: 14 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	got := []any{res.Services, res.Errors, res.Passed, res.Invocations > 0, res.Wall > 0}
	if diff := cmp.Diff([]any{5, 0, true, true, true}, got); diff != "" {
		t.Errorf("Services, errors, passed, some invocations, timed (-want +got):\n%s", diff)
	}
	if _, err := Run(context.Background(), Config{Functions: 0, Duration: time.Minute}); err == nil {
		t.Error("a fleet of 0 functions ran")
	}
}
