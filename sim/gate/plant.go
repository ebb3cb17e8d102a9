package gate

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/knsim/knsim/sim/scenario"
	"github.com/knsim/knsim/sim/sweep"
)

// Setting is a scenario setting to plant: an override path of sim/sweep
// (services[NAME].annotations[KEY], configmaps[NAME].KEY or a scenario
// field's YAML path) and its value.
type Setting struct {
	Path, Value string
}

// ParseSetting reads "PATH=VALUE"; the path is checked against a scenario
// only when the plant is applied.
func ParseSetting(s string) (Setting, error) {
	path, value, ok := strings.Cut(s, "=")
	path, value = strings.TrimSpace(path), strings.TrimSpace(value)
	switch {
	case !ok:
		return Setting{}, fmt.Errorf("%q: want PATH=VALUE, e.g. services[*].annotations[autoscaling.knative.dev/target]=50", s)
	case path == "":
		return Setting{}, fmt.Errorf("%q: no setting before '='", s)
	case value == "":
		return Setting{}, fmt.Errorf("%q: no value after '='", s)
	}
	return Setting{Path: path, Value: value}, nil
}

// String is the setting as ParseSetting reads it.
func (s Setting) String() string { return s.Path + "=" + s.Value }

// Plant is a regression planted in the candidate, to see that a gate
// catches it: every workload's service time Factor times longer (0 or 1:
// unchanged) and Settings changed, such as an autoscaler setting that costs
// more pod-seconds.
type Plant struct {
	Factor   float64
	Settings []Setting
}

// IsZero reports whether the plant changes nothing.
func (p Plant) IsZero() bool { return p.scales() == false && len(p.Settings) == 0 }

func (p Plant) scales() bool { return p.Factor != 0 && p.Factor != 1 }

// String says what the plant changes.
func (p Plant) String() string {
	var parts []string
	if p.scales() {
		parts = append(parts, "service times x"+strconv.FormatFloat(p.Factor, 'g', -1, 64))
	}
	for _, s := range p.Settings {
		parts = append(parts, s.String())
	}
	if len(parts) == 0 {
		return "nothing"
	}
	return strings.Join(parts, ", ")
}

// Apply plants the regression in sc. A setting sc does not have (another
// scenario's Service) is left out; a value the stack would refuse is an
// error naming the scenario.
func (p Plant) Apply(sc *scenario.Scenario) error {
	_, err := p.apply(sc)
	return err
}

// apply plants the regression in sc and returns the settings sc lacks.
func (p Plant) apply(sc *scenario.Scenario) ([]*sweep.MissingError, error) {
	if p.scales() {
		ScaleServiceTime(p.Factor)(sc)
	}
	var missing []*sweep.MissingError
	for _, s := range p.Settings {
		err := sweep.Set(sc, s.Path, s.Value)
		var me *sweep.MissingError
		switch {
		case errors.As(err, &me):
			missing = append(missing, me)
		case err != nil:
			return nil, fmt.Errorf("%s: planted setting %w", sc.File, err)
		}
	}
	return missing, nil
}

// CheckPlant applies p to every scenario of the gate before anything runs:
// each setting must apply to at least one of them (a gate's scenarios
// name different Services), and with a value the stack accepts.
func (l *Loaded) CheckPlant(p Plant) error {
	scs, err := l.LoadScenarios()
	if err != nil {
		return err
	}
	applied := map[string]bool{}
	reasons := map[string][]string{}
	for _, sc := range scs {
		missing, err := p.apply(sc)
		if err != nil {
			return err
		}
		lacks := map[string]bool{}
		for _, me := range missing {
			lacks[me.Path] = true
			reasons[me.Path] = append(reasons[me.Path], fmt.Sprintf("%s: %v", sc.File, me.Err))
		}
		for _, s := range p.Settings {
			if !lacks[s.Path] {
				applied[s.Path] = true
			}
		}
	}
	var errs []string
	for _, s := range p.Settings {
		if !applied[s.Path] {
			errs = append(errs, fmt.Sprintf("planted setting %s fits no scenario of gate %s:\n  %s", s.Path, l.Name, strings.Join(reasons[s.Path], "\n  ")))
		}
	}
	if len(errs) > 0 {
		return errors.New(strings.Join(errs, "\n"))
	}
	return nil
}
