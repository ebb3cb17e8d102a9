package runner

import (
	"context"
	"errors"

	"github.com/knsim/knsim/sim/results"
	"github.com/knsim/knsim/sim/scenario"
)

// ErrRealModeUnavailable is returned while the loopback data plane is not
// wired into the runner.
var ErrRealModeUnavailable = errors.New("real mode is not available yet: run the scenario in virtual mode (--mode virtual)")

// RunReal runs a scenario in real mode: wall clock, real HTTP on loopback.
func RunReal(ctx context.Context, sc *scenario.Scenario, opts Options) (*results.Results, error) {
	return nil, ErrRealModeUnavailable
}
