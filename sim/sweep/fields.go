package sweep

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/knsim/knsim/sim/distribution"
	"github.com/knsim/knsim/sim/scenario"
)

// fieldOverride sets a field of the scenario itself, named by its YAML
// path: cluster.nodes[0].count, workloads[hello].serviceTime.mean,
// prices.vcpuSecond. [*] takes every element of a list or map.
type fieldOverride struct {
	path  string
	steps []step
}

var (
	scenarioType     = reflect.TypeFor[scenario.Scenario]()
	quantityType     = reflect.TypeFor[resource.Quantity]()
	durationType     = reflect.TypeFor[scenario.Duration]()
	distributionType = reflect.TypeFor[distribution.Distribution]()
)

func (o fieldOverride) check(sc *scenario.Scenario) error {
	return o.walk(reflect.ValueOf(sc).Elem(), func(v reflect.Value, at string) error {
		if !settable(v.Type()) {
			return fmt.Errorf("%s is %s; name one of its fields", at, describeType(v.Type()))
		}
		return nil
	})
}

func (o fieldOverride) apply(sc *scenario.Scenario, value string) error {
	return o.walk(reflect.ValueOf(sc).Elem(), func(v reflect.Value, at string) error { return setValue(v, value) })
}

// walk follows the path from v and calls leaf on every value it names.
func (o fieldOverride) walk(v reflect.Value, leaf func(v reflect.Value, at string) error) error {
	var rec func(v reflect.Value, steps []step, keys []string, at string) error
	rec = func(v reflect.Value, steps []step, keys []string, at string) error {
		for v.Kind() == reflect.Pointer {
			if v.IsNil() {
				return fmt.Errorf("%s is not set in the scenario", at)
			}
			v = v.Elem()
		}
		if len(keys) > 0 {
			return index(v, keys[0], at, func(e reflect.Value, at string) error { return rec(e, steps, keys[1:], at) })
		}
		if len(steps) == 0 {
			return leaf(v, at)
		}
		s := steps[0]
		if v.Kind() != reflect.Struct || v.Type() == quantityType {
			return fmt.Errorf("%s is %s and has no field %q", at, describeType(v.Type()), s.name)
		}
		f, ok := fieldByName(v.Type(), s.name)
		if !ok {
			return fmt.Errorf("%s has no field %q; it has: %s", orRoot(at), s.name, strings.Join(jsonNames(v.Type()), ", "))
		}
		return rec(v.Field(f), steps[1:], s.keys, join(at, s.name))
	}
	return rec(v, o.steps, nil, "")
}

// index calls f on the element key names of a list or map ("*": every one).
func index(v reflect.Value, key, at string, f func(e reflect.Value, at string) error) error {
	switch v.Kind() {
	case reflect.Slice:
		if key == "*" {
			if v.Len() == 0 {
				return fmt.Errorf("%s is empty in the scenario", at)
			}
			for i := range v.Len() {
				if err := f(v.Index(i), fmt.Sprintf("%s[%d]", at, i)); err != nil {
					return err
				}
			}
			return nil
		}
		i, err := strconv.Atoi(key)
		if err != nil || i < 0 {
			return fmt.Errorf("%s is a list: expected an index or *, got %q", at, key)
		}
		if i >= v.Len() {
			return fmt.Errorf("%s has %d entries in the scenario; there is no [%d]", at, v.Len(), i)
		}
		return f(v.Index(i), fmt.Sprintf("%s[%d]", at, i))
	case reflect.Map:
		var keys []string
		for _, k := range v.MapKeys() {
			keys = append(keys, k.String())
		}
		slices.Sort(keys)
		if key != "*" {
			if !slices.Contains(keys, key) {
				return fmt.Errorf("%s has no entry %q in the scenario (it has: %s); add it to the scenario to vary it", at, key, strings.Join(keys, ", "))
			}
			keys = []string{key}
		} else if len(keys) == 0 {
			return fmt.Errorf("%s is empty in the scenario", at)
		}
		for _, k := range keys {
			kv := reflect.ValueOf(k).Convert(v.Type().Key())
			// Map elements are not addressable: change a copy, store it back.
			e := reflect.New(v.Type().Elem()).Elem()
			e.Set(v.MapIndex(kv))
			if err := f(e, at+"["+k+"]"); err != nil {
				return err
			}
			v.SetMapIndex(kv, e)
		}
		return nil
	}
	return fmt.Errorf("%s is %s, not a list or map: it takes no [%s]", at, describeType(v.Type()), key)
}

// settable reports whether setValue can set a value of type t.
func settable(t reflect.Type) bool {
	switch t {
	case quantityType, durationType, distributionType:
		return true
	}
	switch t.Kind() {
	case reflect.String, reflect.Bool, reflect.Float32, reflect.Float64,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return true
	}
	return false
}

// setValue parses s as v's type and stores it.
func setValue(v reflect.Value, s string) error {
	switch v.Type() {
	case quantityType:
		q, err := resource.ParseQuantity(s)
		if err != nil {
			return fmt.Errorf("expected a Kubernetes quantity such as 500m, 2 or 4Gi")
		}
		v.Set(reflect.ValueOf(q))
		return nil
	case durationType:
		d, err := scenario.ParseDuration(s)
		if err != nil {
			return fmt.Errorf("expected a duration such as 90s or 250ms")
		}
		v.Set(reflect.ValueOf(d))
		return nil
	case distributionType:
		d, err := scenario.ParseDuration(s)
		if err != nil {
			return fmt.Errorf("expected a duration such as 100ms (a constant); name a field (.mean, .min, ...) to vary one parameter of a distribution")
		}
		v.Set(reflect.ValueOf(distribution.Distribution{Type: distribution.Constant, Value: d}))
		return nil
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(s)
		return nil
	case reflect.Bool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return fmt.Errorf("expected true or false")
		}
		v.SetBool(b)
		return nil
	case reflect.Float32, reflect.Float64:
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return fmt.Errorf("expected a number")
		}
		v.SetFloat(f)
		return nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		i, err := strconv.ParseInt(s, 10, 64)
		if err != nil || v.OverflowInt(i) {
			return fmt.Errorf("expected an integer")
		}
		v.SetInt(i)
		return nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		u, err := strconv.ParseUint(s, 10, 64)
		if err != nil || v.OverflowUint(u) {
			return fmt.Errorf("expected a non-negative integer")
		}
		v.SetUint(u)
		return nil
	}
	return fmt.Errorf("cannot set %s", describeType(v.Type()))
}

// fieldByName finds the field of struct type t whose JSON name is name.
func fieldByName(t reflect.Type, name string) (int, bool) {
	for i := range t.NumField() {
		sf := t.Field(i)
		n, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if sf.IsExported() && n != "-" && n == name {
			return i, true
		}
	}
	return 0, false
}

// jsonNames lists the JSON names of struct type t's fields.
func jsonNames(t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		sf := t.Field(i)
		n, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if sf.IsExported() && n != "-" && n != "" {
			out = append(out, n)
		}
	}
	return out
}

func describeType(t reflect.Type) string {
	switch {
	case t.Kind() == reflect.Struct:
		return "a mapping"
	case t.Kind() == reflect.Slice:
		return "a list"
	case t.Kind() == reflect.Map:
		return "a map"
	}
	return "a " + t.Kind().String()
}

func join(at, name string) string {
	if at == "" {
		return name
	}
	return at + "." + name
}

func orRoot(at string) string {
	if at == "" {
		return "the scenario"
	}
	return at
}
