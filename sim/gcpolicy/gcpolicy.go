package gcpolicy

import (
	"fmt"
	"os"
	"runtime/debug"
	"strings"

	"k8s.io/apimachinery/pkg/api/resource"
)

// DefaultMemoryLimit is the soft heap limit of the memory-limit policy
// knsim's commands use unless told otherwise.
const DefaultMemoryLimit = 1 << 30

// Policy is a garbage-collector setting. The zero Policy is Go's default
// (GOGC=100, no memory limit).
type Policy struct {
	// MemoryLimit, when positive, turns GOGC off and collects only when the
	// heap nears this many bytes.
	MemoryLimit int64
}

// Parse reads a policy from a flag: "default" (or "0") keeps Go's
// collector as it is; a Kubernetes quantity such as "1Gi" or "512Mi" is a
// memory limit.
func Parse(s string) (Policy, error) {
	s = strings.TrimSpace(s)
	if s == "default" || s == "0" {
		return Policy{}, nil
	}
	q, err := resource.ParseQuantity(s)
	if err != nil {
		return Policy{}, fmt.Errorf("GC memory limit %q: want \"default\" or a quantity such as 1Gi: %w", s, err)
	}
	v, ok := q.AsInt64()
	if !ok || v < 64<<20 {
		return Policy{}, fmt.Errorf("GC memory limit %q: want at least 64Mi so the process can run between collections", s)
	}
	return Policy{MemoryLimit: v}, nil
}

// String names the policy as Parse reads it.
func (p Policy) String() string {
	if p.MemoryLimit <= 0 {
		return "default"
	}
	return resource.NewQuantity(p.MemoryLimit, resource.BinarySI).String()
}

// Apply sets the policy for the whole process and returns a function that
// restores the previous setting, and a description of what is in force.
// When the environment sets GOGC or GOMEMLIMIT, the user has chosen, so
// Apply changes nothing and says so.
func Apply(p Policy) (restore func(), desc string) {
	if env := envSetting(); env != "" {
		return func() {}, env + " (from the environment)"
	}
	if p.MemoryLimit <= 0 {
		return func() {}, "GOGC=100 (Go's default)"
	}
	oldPercent := debug.SetGCPercent(-1)
	oldLimit := debug.SetMemoryLimit(p.MemoryLimit)
	return func() {
		debug.SetMemoryLimit(oldLimit)
		debug.SetGCPercent(oldPercent)
	}, fmt.Sprintf("GOGC=off, memory limit %s", p)
}

// envSetting is the GC setting the environment makes, "" if none.
func envSetting() string {
	var parts []string
	for _, k := range []string{"GOGC", "GOMEMLIMIT"} {
		if v, ok := os.LookupEnv(k); ok {
			parts = append(parts, k+"="+v)
		}
	}
	return strings.Join(parts, " ")
}
