package sweep

import (
	"context"
	"encoding/json"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/knsim/knsim/sim/runner"
)

// TestConcurrentRunsMatch runs different points of the tiny memory-plane
// scenario side by side and each again alone: runner.Run shares no state
// between runs, so the results are the same. Under -race (make test-race)
// it also proves the runs touch no shared memory unguarded.
func TestConcurrentRunsMatch(t *testing.T) {
	f, err := Load("testdata/grid.yaml")
	if err != nil {
		t.Fatal(err)
	}
	points, err := f.Points()
	if err != nil {
		t.Fatal(err)
	}
	points = points[:4]
	run := func(pt Point) string {
		sc, err := f.ScenarioFor(pt)
		if err != nil {
			t.Error(err)
			return ""
		}
		res, err := runner.Run(context.Background(), sc, runner.Options{})
		if err != nil {
			t.Error(err)
			return ""
		}
		b, err := json.Marshal(res)
		if err != nil {
			t.Error(err)
		}
		return string(b)
	}
	together := make([]string, len(points))
	var wg sync.WaitGroup
	for i, pt := range points {
		wg.Add(1)
		go func() {
			defer wg.Done()
			together[i] = run(pt)
		}()
	}
	wg.Wait()
	for i, pt := range points {
		if diff := cmp.Diff(run(pt), together[i]); diff != "" {
			t.Errorf("point %d run alongside others differs from alone (-alone +together):\n%s", i, diff)
		}
	}
	if together[0] == together[1] {
		t.Errorf("points 0 and 1 gave the same results: the overrides did not reach the runs")
	}
}
