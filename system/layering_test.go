package system_test

import (
	"bytes"
	"maps"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// rules are the import directions knsim forbids: no package under from may
// import, directly or through others, a package under to.
var rules = []struct {
	from, to, why string
}{
	{"system", "sim", "the stack never depends on the simulator; move what both need under system/"},
	// cmd/ holds only main packages today, which Go cannot import; this
	// keeps a library that may appear under cmd/ out of the simulator too.
	{"sim", "cmd", "commands sit on top of the simulator; move what sim/ needs out of cmd/"},
}

// TestLayering checks the rules on the packages' non-test imports, as
// `go list -deps` sees them, and names every offending package: those that
// import a forbidden package themselves, then those that reach one, each
// with its shortest import chain. make lint runs it.
func TestLayering(t *testing.T) {
	gobin, err := exec.LookPath("go") // go test puts its own go first on PATH
	if err != nil {
		t.Fatalf("the go command is needed to list imports: %v", err)
	}
	module := strings.TrimSpace(goList(t, gobin, "-m"))
	for _, r := range rules {
		t.Run(r.from+" does not import "+r.to, func(t *testing.T) {
			from, to := module+"/"+r.from, module+"/"+r.to
			bad := parseGraph(goList(t, gobin, "-deps", "-f", listFormat, from+"/...")).violations(from, to)
			if len(bad) > 0 {
				t.Errorf("%d package(s) under %s/ import packages under %s/ (%s):\n  %s", len(bad), r.from, r.to, r.why,
					strings.ReplaceAll(strings.Join(bad, "\n  "), module+"/", ""))
			}
			// Tests keep the rule too: a suite that needs the other side
			// lives on that side (as sim/servingtest does).
			// Only direct imports count: a package's tests do not bring
			// in the tests of what they import.
			bad = slices.DeleteFunc(parseGraph(goList(t, gobin, "-f", testListFormat, from+"/...")).violations(from, to),
				func(v string) bool { return !strings.Contains(v, " imports ") })
			if len(bad) > 0 {
				t.Errorf("%d test package(s) under %s/ import packages under %s/ (%s):\n  %s", len(bad), r.from, r.to, r.why,
					strings.ReplaceAll(strings.Join(bad, "\n  "), module+"/", ""))
			}
		})
	}
}

func TestViolations(t *testing.T) {
	g := parseGraph(`fmt
m/sim/engine fmt
m/sim/plane m/sim/engine
m/system/a fmt
m/system/b m/system/a m/sim/plane m/sim/engine
m/system/c m/system/b
m/system/d m/system/c m/system/a
m/system m/system/a
m/simple
m/system/e m/simple
`)
	for _, tc := range []struct {
		from, to string
		want     []string
	}{
		{"m/system", "m/sim", []string{
			"m/system/b imports m/sim/plane, m/sim/engine",
			"m/system/c -> m/system/b -> m/sim/plane",
			"m/system/d -> m/system/c -> m/system/b -> m/sim/plane",
		}},
		{"m/system/a", "m/sim", nil},
		{"m/sim", "m/system", nil},
		{"m/system", "m/simple", []string{"m/system/e imports m/simple"}},
	} {
		if diff := cmp.Diff(tc.want, g.violations(tc.from, tc.to)); diff != "" {
			t.Errorf("violations(%s, %s) (-want +got):\n%s", tc.from, tc.to, diff)
		}
	}
}

// listFormat makes go list print each package and its non-test imports on
// one line.
const listFormat = "{{.ImportPath}}{{range .Imports}} {{.}}{{end}}"

// testListFormat makes go list print each package and what its tests
// import directly (in-package and external tests).
const testListFormat = "{{.ImportPath}}{{range .TestImports}} {{.}}{{end}}{{range .XTestImports}} {{.}}{{end}}"

// graph is an import graph: each package's non-test imports.
type graph map[string][]string

// parseGraph reads go list's output in listFormat.
func parseGraph(out string) graph {
	g := graph{}
	for line := range strings.Lines(out) {
		if f := strings.Fields(line); len(f) > 0 {
			g[f[0]] = f[1:]
		}
	}
	return g
}

// under reports whether pkg is dir or below it.
func under(pkg, dir string) bool { return pkg == dir || strings.HasPrefix(pkg, dir+"/") }

// violations lists every package under from that imports one under to:
// "a imports b, c" for direct importers, sorted, then "a -> x -> b", the
// shortest chain, for packages that reach one through others.
func (g graph) violations(from, to string) []string {
	isTo := func(p string) bool { return under(p, to) }
	var direct, indirect []string
	for _, pkg := range slices.Sorted(maps.Keys(g)) {
		if !under(pkg, from) {
			continue
		}
		if bad := slices.DeleteFunc(slices.Clone(g[pkg]), func(p string) bool { return !isTo(p) }); len(bad) > 0 {
			direct = append(direct, pkg+" imports "+strings.Join(bad, ", "))
		} else if c := g.shortestChain(pkg, isTo); c != nil {
			indirect = append(indirect, strings.Join(c, " -> "))
		}
	}
	return append(direct, indirect...)
}

// shortestChain returns the shortest import chain from pkg to a package
// bad accepts, pkg first, or nil when there is none.
func (g graph) shortestChain(pkg string, bad func(string) bool) []string {
	parent := map[string]string{pkg: ""}
	queue := []string{pkg}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		for _, imp := range g[p] {
			if _, seen := parent[imp]; seen {
				continue
			}
			parent[imp] = p
			if bad(imp) {
				chain := []string{imp}
				for q := p; q != ""; q = parent[q] {
					chain = append(chain, q)
				}
				slices.Reverse(chain)
				return chain
			}
			queue = append(queue, imp)
		}
	}
	return nil
}

// goList runs go list with args and returns its output.
func goList(t *testing.T, gobin string, args ...string) string {
	t.Helper()
	cmd := exec.Command(gobin, append([]string{"list"}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}
