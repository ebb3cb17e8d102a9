package sweep

import (
	"fmt"
	"strings"
)

// step is one step of an override path: a field name and the keys or
// indexes in brackets after it ("nodes[0]", "annotations[a.b/c]").
type step struct {
	name string
	keys []string
}

// splitPath cuts a path such as services[default/hello].annotations[a.b/c]
// into steps. Brackets may hold dots and slashes.
func splitPath(p string) ([]step, error) {
	var out []step
	rest := p
	for rest != "" {
		var s step
		i := strings.IndexAny(rest, ".[")
		if i < 0 {
			i = len(rest)
		}
		s.name, rest = rest[:i], rest[i:]
		if s.name == "" {
			return nil, fmt.Errorf("%q: expected a field name at %q", p, rest)
		}
		for strings.HasPrefix(rest, "[") {
			j := strings.IndexByte(rest, ']')
			if j < 0 {
				return nil, fmt.Errorf("%q: a [ is not closed", p)
			}
			if j == 1 {
				return nil, fmt.Errorf("%q: empty brackets", p)
			}
			s.keys, rest = append(s.keys, rest[1:j]), rest[j+1:]
		}
		out = append(out, s)
		switch {
		case rest == "":
		case strings.HasPrefix(rest, "."):
			rest = rest[1:]
			if rest == "" {
				return nil, fmt.Errorf("%q ends with a dot", p)
			}
		default:
			return nil, fmt.Errorf("%q: expected . or [ after %q", p, s.name)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("the path is empty")
	}
	return out, nil
}
