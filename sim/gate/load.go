package gate

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v3"

	"github.com/knsim/knsim/sim/expect"
)

// Error is one problem with a gate file, placed in it.
type Error struct {
	File         string
	Line, Column int
	Msg          string
}

// Error formats e as "file:line:column: message".
func (e *Error) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Column, e.Msg)
}

// Errors is every problem found in a gate file, in file order.
type Errors []*Error

// Error writes one problem a line.
func (l Errors) Error() string {
	s := make([]string, len(l))
	for i, e := range l {
		s[i] = e.Error()
	}
	return strings.Join(s, "\n")
}

// Loaded is a gate file checked and resolved.
type Loaded struct {
	Gate
	// File is the gate file as named.
	File string
	// Metrics holds, per scenario (in Scenarios' order), the metrics to
	// compare: the gate's, then the scenario's own.
	Metrics [][]Metric
}

// Metric is a MetricSpec resolved.
type Metric struct {
	// Ref is the metric reference (canonical text by Ref.String).
	Ref expect.Ref
	// Kind is a number or a duration.
	Kind expect.Kind
	// Higher is true when higher values are better.
	Higher bool
	// MinEffect is the smallest relative change that matters (0.05 = 5 %).
	MinEffect float64
}

// Name is the metric's canonical text, e.g. "service(hello).latency.p99".
func (m Metric) Name() string { return m.Ref.String() }

// Load reads and checks a gate file. Every problem is reported with
// file:line:column before anything runs.
func Load(path string) (*Loaded, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, data)
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// Parse checks a gate file's content; name is used in messages and to
// resolve relative paths.
func Parse(name string, data []byte) (*Loaded, error) {
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, Errors{{File: name, Msg: "the file is empty; a gate needs name, scenarios and metrics"}}
		}
		if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
			line, _ := strconv.Atoi(m[1])
			return nil, Errors{{File: name, Line: line, Column: 1, Msg: "invalid YAML: " + m[2]}}
		}
		return nil, Errors{{File: name, Msg: "invalid YAML: " + err.Error()}}
	}
	d := &decoder{file: name}
	var g Gate
	d.decode(doc.Content[0], reflect.ValueOf(&g).Elem())
	l := &Loaded{Gate: g, File: name}
	if len(d.errs) == 0 {
		d.check(l, doc.Content[0])
	}
	if len(d.errs) > 0 {
		slices.SortStableFunc(d.errs, func(a, b *Error) int {
			if a.Line != b.Line {
				return a.Line - b.Line
			}
			return a.Column - b.Column
		})
		return nil, d.errs
	}
	return l, nil
}

// decoder fills Go values from YAML nodes by their json tags, recording
// every problem with its position instead of stopping at the first.
type decoder struct {
	file string
	errs Errors
}

func (d *decoder) errorf(n *yaml.Node, format string, args ...any) {
	d.errs = append(d.errs, &Error{File: d.file, Line: n.Line, Column: n.Column, Msg: fmt.Sprintf(format, args...)})
}

func (d *decoder) decode(n *yaml.Node, v reflect.Value) {
	for n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	switch v.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			d.errorf(n, "expected a mapping, got %s", describe(n))
			return
		}
		t := v.Type()
		seen := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			if seen[k.Value] {
				d.errorf(k, "key %q appears twice", k.Value)
				continue
			}
			seen[k.Value] = true
			f, ok := fieldByTag(t, k.Value)
			if !ok {
				d.errorf(k, "unknown field %q; expected one of: %s", k.Value, strings.Join(tags(t), ", "))
				continue
			}
			d.decode(val, v.FieldByIndex(f.Index))
		}
		for _, name := range required(t) {
			if !seen[name] {
				d.errorf(n, "%s is required", name)
			}
		}
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			d.errorf(n, "expected a list, got %s", describe(n))
			return
		}
		s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, item := range n.Content {
			d.decode(item, s.Index(i))
		}
		v.Set(s)
	default:
		if n.Kind != yaml.ScalarNode {
			d.errorf(n, "expected a %s, got %s", v.Kind(), describe(n))
			return
		}
		if err := n.Decode(v.Addr().Interface()); err != nil {
			d.errorf(n, "expected a %s, got %q", v.Kind(), n.Value)
		}
	}
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	}
	return strconv.Quote(n.Value)
}

func tagName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	return name
}

func fieldByTag(t reflect.Type, name string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		if f := t.Field(i); tagName(f) == name {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

func tags(t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		out = append(out, tagName(t.Field(i)))
	}
	return out
}

func required(t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		if f := t.Field(i); strings.Contains(","+f.Tag.Get("jsonschema")+",", ",required,") {
			out = append(out, tagName(f))
		}
	}
	return out
}

var nameRE = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)

// check validates the decoded gate and resolves its metrics; root is the
// document, to place problems.
func (d *decoder) check(l *Loaded, root *yaml.Node) {
	at := func(path ...any) *yaml.Node { return find(root, path...) }
	g := &l.Gate
	if !nameRE.MatchString(g.Name) {
		d.errorf(at("name"), "name must be lower-case letters, digits and dashes (it names the baseline file), got %q", g.Name)
	}
	if g.Seeds == 0 {
		g.Seeds = DefaultSeeds
	} else if g.Seeds < 2 || g.Seeds > 100 {
		d.errorf(at("seeds"), "seeds must be between 2 and 100, got %d", g.Seeds)
	}
	if g.FirstSeed == 0 {
		g.FirstSeed = DefaultFirstSeed
	}
	if g.Alpha == 0 {
		g.Alpha = DefaultAlpha
	} else if g.Alpha <= 0 || g.Alpha >= 0.5 || math.IsNaN(g.Alpha) {
		d.errorf(at("alpha"), "alpha must be above 0 and below 0.5, got %v", g.Alpha)
	}
	switch g.Test {
	case "":
		g.Test = PairedTest
	case PairedTest, UnpairedTest:
	default:
		d.errorf(at("test"), "test must be %s or %s, got %q", PairedTest, UnpairedTest, g.Test)
	}
	if p := MinP(g.Test, g.Seeds); len(d.errs) == 0 && p > g.Alpha {
		d.errorf(at("seeds"), "%d seeds cannot show a regression at alpha %g with the %s test (its smallest p is %.4g): use more seeds", g.Seeds, g.Alpha, g.Test, p)
	}
	switch g.ControlPlane {
	case "", "memory", "envtest":
	default:
		d.errorf(at("controlPlane"), "controlPlane must be memory or envtest, got %q", g.ControlPlane)
	}
	common := d.metrics(g.Metrics, at("metrics"))
	for i, s := range g.Scenarios {
		if s.File == "" {
			d.errorf(at("scenarios", i), "file is required")
		}
		ms := append(slices.Clone(common), d.metrics(s.Metrics, at("scenarios", i, "metrics"))...)
		seen := map[string]bool{}
		for _, m := range ms {
			if seen[m.Name()] {
				d.errorf(at("scenarios", i), "metric %s is compared twice for %s", m.Name(), s.File)
			}
			seen[m.Name()] = true
		}
		if len(g.Metrics)+len(s.Metrics) == 0 {
			d.errorf(at("scenarios", i), "no metric to compare for %s: list metrics for the gate or the scenario", s.File)
		}
		l.Metrics = append(l.Metrics, ms)
	}
}

// metrics resolves specs; list is their YAML list node (nil when absent).
func (d *decoder) metrics(specs []MetricSpec, list *yaml.Node) []Metric {
	var out []Metric
	for i, s := range specs {
		item := find(list, i)
		m := Metric{MinEffect: DefaultMinEffect}
		src := s.Metric + " >= 0"
		e, err := expect.Parse(src)
		var se *expect.SyntaxError
		switch {
		case errors.As(err, &se):
			n := find(item, "metric")
			col := n.Column + se.Col - 1
			if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
				col++
			}
			d.errs = append(d.errs, &Error{File: d.file, Line: n.Line, Column: col, Msg: "metric: " + se.Msg})
			continue
		case err != nil:
			d.errorf(find(item, "metric"), "metric: %v", err)
			continue
		}
		refs := e.Refs()
		if len(refs) != 1 {
			d.errorf(find(item, "metric"), "metric must be one metric reference, got %q", s.Metric)
			continue
		}
		m.Ref = refs[0]
		known, _ := expect.LookupMetric(m.Ref.Metric)
		m.Kind = known.Kind
		switch s.Better {
		case "", "lower":
		case "higher":
			m.Higher = true
		default:
			d.errorf(find(item, "better"), "better must be lower or higher, got %q", s.Better)
		}
		if s.MinEffect != "" {
			pct, ok := strings.CutSuffix(s.MinEffect, "%")
			v, err := strconv.ParseFloat(pct, 64)
			if !ok || err != nil || v <= 0 || v >= 1000 || math.IsNaN(v) {
				d.errorf(find(item, "minEffect"), "minEffect must be a percentage above 0, such as 5%%, got %q", s.MinEffect)
			}
			m.MinEffect = v / 100
		}
		out = append(out, m)
	}
	return out
}

// find walks from n by mapping keys (string) and list indexes (int) and
// returns the deepest node reached, so a problem is placed as close to its
// field as the file allows.
func find(n *yaml.Node, path ...any) *yaml.Node {
	if n == nil {
		return &yaml.Node{}
	}
	for _, p := range path {
		next := (*yaml.Node)(nil)
		switch p := p.(type) {
		case string:
			if n.Kind == yaml.MappingNode {
				for i := 0; i+1 < len(n.Content); i += 2 {
					if n.Content[i].Value == p {
						next = n.Content[i+1]
					}
				}
			}
		case int:
			if n.Kind == yaml.SequenceNode && p < len(n.Content) {
				next = n.Content[p]
			}
		}
		if next == nil {
			return n
		}
		n = next
	}
	return n
}

// ResolvePath returns a path named in the gate file, relative to it.
func (l *Loaded) ResolvePath(p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(filepath.Dir(l.File), p)
}

// BaselinePath is where the gate's baseline lives.
func (l *Loaded) BaselinePath() string {
	if l.Baseline != "" {
		return l.ResolvePath(l.Baseline)
	}
	return filepath.Join("bench", "baselines", l.Name+".json")
}

// SeedList lists the gate's seeds.
func (l *Loaded) SeedList() []uint64 {
	out := make([]uint64, l.Seeds)
	for i := range out {
		out[i] = l.FirstSeed + uint64(i)
	}
	return out
}
