package scenario

import "github.com/knsim/knsim/sim/distribution"

// Duration is a time.Duration written as a Go duration string: "90s",
// "250ms", "1m30s", "24h" (units ns, us, ms, s, m, h). It is the type of
// every duration in a scenario file, distributions' parameters included,
// so it is sim/distribution's.
type Duration = distribution.Duration

// ParseDuration parses a Go duration string.
func ParseDuration(s string) (Duration, error) { return distribution.ParseDuration(s) }
