//go:build !unix

package controlplanebench

import "time"

// cpuTime is not measured on this platform.
func cpuTime() time.Duration { return 0 }
