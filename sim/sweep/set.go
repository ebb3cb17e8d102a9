package sweep

import (
	"fmt"

	"github.com/knsim/knsim/sim/scenario"
)

// Set changes one setting of a loaded scenario, as a sweep parameter would:
// path is an override path (services[NAME].annotations[KEY],
// configmaps[NAME].KEY or a scenario field's YAML path) and value its new
// value. The setting must exist in sc, and the stack must accept the
// result (autoscaling annotations and config-autoscaler are checked as the
// stack checks them); sc is then valid as a whole.
// A path the scenario lacks (no such Service, ConfigMap or field) is a
// *MissingError.
func Set(sc *scenario.Scenario, path, value string) error {
	o, err := parsePath(path)
	if err != nil {
		return err
	}
	if err := o.check(sc); err != nil {
		return &MissingError{Path: path, Err: err}
	}
	if err := o.apply(sc, value); err != nil {
		return fmt.Errorf("%s: value %q: %w", path, value, err)
	}
	if err := checkStack(sc); err != nil {
		return fmt.Errorf("%s=%s: %w", path, value, err)
	}
	if err := sc.Validate(); err != nil {
		return fmt.Errorf("%s=%s: the scenario is no longer valid: %w", path, value, err)
	}
	return nil
}

// MissingError is Set's error for a setting the scenario does not have.
type MissingError struct {
	Path string
	Err  error
}

func (e *MissingError) Error() string { return e.Path + ": " + e.Err.Error() }

// Unwrap returns the reason.
func (e *MissingError) Unwrap() error { return e.Err }
