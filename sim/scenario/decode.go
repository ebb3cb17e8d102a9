package scenario

import (
	"fmt"
	"reflect"
	"strings"
	"sync"

	yaml "go.yaml.in/yaml/v3"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/knsim/knsim/sim/distribution"
)

// mark is a 1-based position in the file.
type mark struct{ line, col int }

func markOf(n *yaml.Node) mark { return mark{n.Line, n.Column} }

// decoder turns a YAML node tree into Go values by reflection, following
// the json tags, and records where every field path was written. It never
// stops at a problem: it records it and goes on.
type decoder struct {
	file  string
	errs  ErrorList
	pos   map[string]mark       // path -> where it was written (key, or element)
	nodes map[string]*yaml.Node // path -> its scalar value node
	bad   map[string]bool       // paths with a decoding error
	lines []string              // the source, to place errors inside strings
}

func newDecoder(file string) *decoder {
	return &decoder{file: file, pos: map[string]mark{}, nodes: map[string]*yaml.Node{}, bad: map[string]bool{}}
}

// yamlDecoder is implemented by types with their own YAML forms.
type yamlDecoder interface {
	decodeYAML(d *decoder, n *yaml.Node, path string)
}

// errorf records a problem at path, placed where path was written (or at n).
func (d *decoder) errorf(n *yaml.Node, path, format string, args ...any) {
	m, ok := d.pos[path]
	if !ok && n != nil {
		m = markOf(n)
	}
	d.errorAt(m, path, format, args...)
}

func (d *decoder) errorAt(m mark, path, format string, args ...any) {
	d.note(m, path, format, args...)
	d.bad[path] = true
}

// note records a problem that leaves path's value usable (an unknown or
// repeated key), so validation of path still runs.
func (d *decoder) note(m mark, path, format string, args ...any) {
	d.errs = append(d.errs, &Error{File: d.file, Line: m.line, Column: m.col, Path: path, Msg: fmt.Sprintf(format, args...)})
}

// join appends a field name to a path.
func join(path, field string) string {
	if path == "" {
		return field
	}
	return path + "." + field
}

// parentPath removes a path's last step: "a.b[2]" -> "a.b" -> "a".
func parentPath(p string) string {
	if strings.HasSuffix(p, "]") {
		if i := strings.LastIndexByte(p, '['); i >= 0 {
			return p[:i]
		}
	}
	if i := strings.LastIndexByte(p, '.'); i >= 0 {
		return p[:i]
	}
	return ""
}

func resolve(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" }

// describe names what n holds, for "got ..." in messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if isNull(n) {
			return "nothing"
		}
		return fmt.Sprintf("%q", n.Value)
	}
	return "an unexpected node"
}

// Types read by the decoder itself: they are defined outside this package,
// so they cannot have a decodeYAML method.
var (
	quantityType     = reflect.TypeFor[resource.Quantity]()
	durationType     = reflect.TypeFor[Duration]()
	distributionType = reflect.TypeFor[distribution.Distribution]()
)

// decode stores n into v, which must be settable.
func (d *decoder) decode(n *yaml.Node, v reflect.Value, path string) {
	n = resolve(n)
	if n == nil {
		return
	}
	if v.CanAddr() {
		if u, ok := v.Addr().Interface().(yamlDecoder); ok {
			u.decodeYAML(d, n, path)
			return
		}
	}
	switch v.Type() {
	case quantityType:
		d.quantity(n, v, path)
		return
	case durationType:
		d.decodeDuration(n, v, path)
		return
	case distributionType:
		d.decodeDistribution(n, v.Addr().Interface().(*distribution.Distribution), path)
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if isNull(n) && v.Type().Elem().Kind() != reflect.Struct {
			v.SetZero()
			return
		}
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		d.decode(n, v.Elem(), path)
	case reflect.Struct:
		d.decodeStruct(n, v, path)
	case reflect.Slice:
		d.decodeSlice(n, v, path)
	case reflect.Map:
		d.decodeMap(n, v, path)
	default:
		d.scalar(n, v, path)
	}
}

// field is a struct field's YAML name and index.
type field struct {
	name  string
	index int
}

var fieldCache sync.Map // reflect.Type -> []field

// fieldsOf lists the fields of t that have a JSON name, in order.
func fieldsOf(t reflect.Type) []field {
	if f, ok := fieldCache.Load(t); ok {
		return f.([]field)
	}
	var out []field
	for i := range t.NumField() {
		sf := t.Field(i)
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if !sf.IsExported() || name == "-" {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		out = append(out, field{name, i})
	}
	fieldCache.Store(t, out)
	return out
}

func fieldNames(fs []field) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.name
	}
	return out
}

// pair is one key and value of a mapping.
type pair struct{ key, value *yaml.Node }

// pairs lists a mapping's entries, merging "<<" keys (the mapping's own keys
// win) and reporting repeated keys.
func (d *decoder) pairs(n *yaml.Node, path string) []pair {
	var merged, own []pair
	seen := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.ShortTag() == "!!merge" {
			merged = append(merged, d.mergeSources(v, path)...)
			continue
		}
		if k = resolve(k); k.Kind != yaml.ScalarNode {
			d.note(markOf(k), path, "mapping keys must be strings, got %s", describe(k))
			continue
		}
		if first, dup := seen[k.Value]; dup {
			d.note(markOf(k), path, "key %q appears twice (first on line %d)", k.Value, first.Line)
			continue
		}
		seen[k.Value] = k
		own = append(own, pair{k, v})
	}
	var out []pair
	for _, p := range merged {
		if _, overridden := seen[p.key.Value]; !overridden {
			seen[p.key.Value] = p.key
			out = append(out, p)
		}
	}
	return append(out, own...)
}

// mergeSources are the entries a "<<" key brings in: a mapping or a list of
// mappings, usually aliases.
func (d *decoder) mergeSources(v *yaml.Node, path string) []pair {
	v = resolve(v)
	switch v.Kind {
	case yaml.MappingNode:
		return d.pairs(v, path)
	case yaml.SequenceNode:
		var out []pair
		for _, item := range v.Content {
			out = append(out, d.mergeSources(item, path)...)
		}
		return out
	}
	d.note(markOf(v), path, "<< merges a mapping or a list of mappings, got %s", describe(v))
	return nil
}

func (d *decoder) decodeStruct(n *yaml.Node, v reflect.Value, path string) {
	if isNull(n) {
		return
	}
	if n.Kind != yaml.MappingNode {
		d.errorf(n, path, "expected a mapping, got %s", describe(n))
		return
	}
	fields := fieldsOf(v.Type())
	for _, p := range d.pairs(n, path) {
		idx := -1
		for _, f := range fields {
			if f.name == p.key.Value {
				idx = f.index
				break
			}
		}
		if idx < 0 {
			d.note(markOf(p.key), path, "unknown field %q%s", p.key.Value, didYouMean(p.key.Value, fieldNames(fields)))
			continue
		}
		fpath := join(path, p.key.Value)
		d.pos[fpath] = markOf(p.key)
		d.decode(p.value, v.Field(idx), fpath)
	}
}

func (d *decoder) decodeSlice(n *yaml.Node, v reflect.Value, path string) {
	if isNull(n) {
		v.SetZero()
		return
	}
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, path, "expected a list, got %s", describe(n))
		return
	}
	s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
	for i, item := range n.Content {
		ipath := fmt.Sprintf("%s[%d]", path, i)
		d.pos[ipath] = markOf(item)
		d.decode(item, s.Index(i), ipath)
	}
	v.Set(s)
}

func (d *decoder) decodeMap(n *yaml.Node, v reflect.Value, path string) {
	if isNull(n) {
		v.SetZero()
		return
	}
	if n.Kind != yaml.MappingNode {
		d.errorf(n, path, "expected a mapping, got %s", describe(n))
		return
	}
	m := reflect.MakeMap(v.Type())
	for _, p := range d.pairs(n, path) {
		kpath := path + "[" + p.key.Value + "]"
		d.pos[kpath] = markOf(p.key)
		elem := reflect.New(v.Type().Elem()).Elem()
		d.decode(p.value, elem, kpath)
		m.SetMapIndex(reflect.ValueOf(p.key.Value).Convert(v.Type().Key()), elem)
	}
	v.Set(m)
}
