package scenario

import (
	"fmt"
	"time"

	yaml "go.yaml.in/yaml/v3"
)

// The sizes a scenario may ask for. They are checked before anything runs,
// so a hostile or mistyped file fails with a positioned error instead of
// using memory or time without bound. docs/scenarios.md ("Limits") lists
// them; the JSON Schema carries those that are plain bounds of a field.
const (
	// DefaultMaxDuration is the longest metadata.duration accepted by
	// default: 31 days of virtual time. The runner keeps per-second series
	// for the run's length; Limits.MaxDuration (knsim run --max-duration)
	// raises it.
	DefaultMaxDuration = Duration(31 * 24 * time.Hour)
	// MaxNodes is the largest cluster, in nodes over all pools: 5000, the
	// largest cluster Kubernetes supports.
	MaxNodes = 5000
	// MaxHeyC is the most hey workers (c) of one traffic entry.
	MaxHeyC = 10_000
	// MaxHeyN is the most requests (n) of one hey run.
	MaxHeyN = 100_000_000
	// MaxRate is the highest rate, in requests or events per second, of one
	// rate generator (every shape's rps, steps, from, to, mean + amplitude).
	MaxRate = 100_000
	// MaxScenarioBytes is the largest scenario file.
	MaxScenarioBytes = 4 << 20
	// MaxManifestBytes is the largest manifest file (manifests[].file,
	// actions[].apply.file).
	MaxManifestBytes = 16 << 20
	// MaxTraceBytes is the largest trace file (traffic[].trace.file,
	// events[].trace.file): 256 MiB, about four times the largest day file
	// of the Azure Functions 2019 dataset.
	MaxTraceBytes = 256 << 20
	// MaxYAMLNodes bounds a scenario's YAML after alias expansion: aliases
	// and merge keys ("<<: *x") may reuse a node at most so often that the
	// document, every alias written out, has this many nodes. It stops
	// alias bombs ("billion laughs").
	MaxYAMLNodes = 1_000_000
)

// Limits changes the limits a load applies; the zero value is the default.
type Limits struct {
	// MaxDuration is the longest metadata.duration (0: DefaultMaxDuration).
	MaxDuration Duration
	// FilesOutside lets file: paths (manifests, traces) name files outside
	// the scenario's folder and its subfolders: absolute paths, "..", and
	// symbolic links that lead out. Off by default, so a scenario from
	// elsewhere reads nothing but its own folder.
	FilesOutside bool
}

func (l Limits) maxDuration() Duration {
	if l.MaxDuration > 0 {
		return l.MaxDuration
	}
	return DefaultMaxDuration
}

// checkAliases rejects a YAML document whose alias expansion exceeds
// MaxYAMLNodes nodes, or whose alias refers to a node that contains it; the
// error is placed at the alias that crosses the limit. It takes time linear
// in the nodes written.
func checkAliases(name string, root *yaml.Node) *Error {
	a := aliasCounter{size: map[*yaml.Node]int{}, open: map[*yaml.Node]bool{}}
	total := 0
	var walk func(n *yaml.Node) *yaml.Node
	walk = func(n *yaml.Node) *yaml.Node {
		if n.Kind == yaml.AliasNode {
			total += a.expanded(n)
			if a.cycle || total > MaxYAMLNodes {
				return n
			}
			return nil
		}
		total++
		for _, c := range n.Content {
			if bad := walk(c); bad != nil {
				return bad
			}
		}
		return nil
	}
	bad := walk(root)
	switch {
	case bad == nil:
		return nil
	case a.cycle:
		return &Error{File: name, Line: bad.Line, Column: bad.Column,
			Msg: fmt.Sprintf("alias *%s refers to a node that contains it", bad.Value)}
	}
	return &Error{File: name, Line: bad.Line, Column: bad.Column,
		Msg: fmt.Sprintf("YAML aliases expand the document to more than %d nodes (at alias *%s); write the values out or use fewer aliases", MaxYAMLNodes, bad.Value)}
}

// aliasCounter computes how many nodes a node stands for once every alias
// in it is written out, memoized and capped just above MaxYAMLNodes.
type aliasCounter struct {
	size  map[*yaml.Node]int
	open  map[*yaml.Node]bool // being counted: reached again means a cycle
	cycle bool
}

func (a *aliasCounter) expanded(n *yaml.Node) int {
	if n.Kind == yaml.AliasNode {
		if n.Alias == nil {
			return 1
		}
		return a.expanded(n.Alias)
	}
	if s, ok := a.size[n]; ok {
		return s
	}
	if a.open[n] {
		a.cycle = true
		return MaxYAMLNodes + 1
	}
	a.open[n] = true
	s := 1
	for _, c := range n.Content {
		s = min(s+a.expanded(c), MaxYAMLNodes+1)
		if a.cycle {
			break
		}
	}
	delete(a.open, n)
	a.size[n] = s
	return s
}
