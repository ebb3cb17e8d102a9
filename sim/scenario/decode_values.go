package scenario

import (
	"reflect"
	"slices"
	"strings"

	yaml "go.yaml.in/yaml/v3"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/knsim/knsim/sim/distribution"
)

// scalar decodes strings, numbers and booleans.
func (d *decoder) scalar(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.ScalarNode {
		d.errorf(n, path, "expected %s, got %s", kindName(v.Kind()), describe(n))
		return
	}
	d.nodes[path] = n
	if isNull(n) {
		v.SetZero()
		return
	}
	tag := n.ShortTag()
	switch v.Kind() {
	case reflect.String:
		v.SetString(n.Value)
		return
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		var x int64
		if tag == "!!int" && n.Decode(&x) == nil && !v.OverflowInt(x) {
			v.SetInt(x)
			return
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		var x uint64
		if tag == "!!int" && n.Decode(&x) == nil && !v.OverflowUint(x) {
			v.SetUint(x)
			return
		}
	case reflect.Float32, reflect.Float64:
		var x float64
		if (tag == "!!int" || tag == "!!float") && n.Decode(&x) == nil {
			v.SetFloat(x)
			return
		}
	case reflect.Bool:
		var x bool
		if tag == "!!bool" && n.Decode(&x) == nil {
			v.SetBool(x)
			return
		}
	}
	d.errorf(n, path, "expected %s, got %s", kindName(v.Kind()), describe(n))
}

func kindName(k reflect.Kind) string {
	switch k {
	case reflect.String:
		return "a string"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "an integer"
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a non-negative integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Bool:
		return "true or false"
	}
	return "a " + k.String()
}

func (d *decoder) quantity(n *yaml.Node, v reflect.Value, path string) {
	if isNull(n) {
		return
	}
	if n.Kind == yaml.ScalarNode {
		if q, err := resource.ParseQuantity(n.Value); err == nil {
			v.Set(reflect.ValueOf(q))
			return
		}
	}
	d.errorf(n, path, "expected a Kubernetes quantity such as 500m, 2 or 4Gi, got %s", describe(n))
}

// decodeDuration reads a duration string into v, a Duration.
func (d *decoder) decodeDuration(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind == yaml.ScalarNode && isNull(n) {
		return
	}
	if n.Kind == yaml.ScalarNode {
		if x, err := ParseDuration(n.Value); err == nil {
			v.Set(reflect.ValueOf(x))
			return
		}
	}
	d.errorf(n, path, "expected a duration such as \"90s\", \"250ms\" or \"1h30m\", got %s", describe(n))
}

// decodeDistribution reads a plain duration (a constant) or a mapping with
// a type and that type's parameters, all required, into dist.
func (d *decoder) decodeDistribution(n *yaml.Node, dist *distribution.Distribution, path string) {
	switch {
	case isNull(n):
		return
	case n.Kind == yaml.ScalarNode:
		if v, err := ParseDuration(n.Value); err == nil {
			*dist = distribution.Distribution{Type: distribution.Constant, Value: v}
			return
		}
		d.errorf(n, path, "expected a duration such as \"2s\" or a mapping such as {type: uniform, min: 1s, max: 3s}, got %s", describe(n))
		return
	case n.Kind != yaml.MappingNode:
		d.errorf(n, path, "expected a duration such as \"2s\" or a mapping such as {type: uniform, min: 1s, max: 3s}, got %s", describe(n))
		return
	}
	type plain distribution.Distribution // not distributionType, so decoded field by field
	d.decodeStruct(n, reflect.ValueOf((*plain)(dist)).Elem(), path)
	given := keys(n)
	if !given["type"] {
		d.errorf(n, join(path, "type"), "a distribution mapping needs a type: one of %s", typeList())
		return
	}
	if !dist.Type.Known() {
		return // Validate names the unknown type
	}
	params := dist.Type.Params()
	var missing []string
	for _, p := range params {
		if !given[p] {
			missing = append(missing, p)
		}
	}
	if len(missing) > 0 {
		verb := "is"
		if len(missing) > 1 {
			verb = "are"
		}
		d.errorf(n, join(path, "type"), "the %s distribution needs %s; %s %s missing",
			dist.Type, strings.Join(params, " and "), strings.Join(missing, " and "), verb)
		for _, p := range missing {
			d.bad[join(path, p)] = true
		}
	}
	for _, f := range fieldsOf(distributionType) {
		fpath := join(path, f.name)
		if f.name != "type" && given[f.name] && !slices.Contains(params, f.name) && !d.bad[fpath] {
			d.errorf(n, fpath, "does not apply to the %s distribution (it takes %s)", dist.Type, strings.Join(params, ", "))
		}
	}
}

// keys lists the keys of a mapping, merged ones included.
func keys(n *yaml.Node) map[string]bool {
	out := map[string]bool{}
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		n = resolve(n)
		switch n.Kind {
		case yaml.SequenceNode:
			for _, item := range n.Content {
				walk(item)
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				if k := n.Content[i]; k.ShortTag() == "!!merge" {
					walk(n.Content[i+1])
				} else {
					out[k.Value] = true
				}
			}
		}
	}
	walk(n)
	return out
}
