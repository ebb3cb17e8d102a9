package memory

import (
	"encoding"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"k8s.io/apimachinery/pkg/runtime/schema"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// An apiserver stores what a write's JSON decodes to: sub-second times are
// gone, quantities are canonical, omitted empty fields are nil. The store
// keeps objects so (normalize), but encoding and decoding a whole pod or
// Deployment on every write is what a fleet run would spend its time on,
// and most writes change a few fields of an object already stored
// normalized. normalizeAgainst therefore walks the written object beside
// the stored one and round-trips through JSON only what differs, down to
// the smallest value JSON encodes on its own; the result is the one
// normalize gives (TestNormalizeAgainst compares them).

// normalize returns o as its JSON encoding decodes, without type meta, as
// an apiserver would store and return it.
func (ks *kindStore) normalize(o client.Object) (client.Object, error) {
	b, err := json.Marshal(o)
	if err != nil {
		return nil, fmt.Errorf("memory: encoding %s %q: %w", ks.gvr.Resource, o.GetName(), err)
	}
	n := ks.zero()
	if err := utiljson.Unmarshal(b, n); err != nil {
		return nil, fmt.Errorf("memory: decoding %s %q: %w", ks.gvr.Resource, o.GetName(), err)
	}
	n.GetObjectKind().SetGroupVersionKind(schema.GroupVersionKind{})
	n.SetManagedFields(nil)
	return n, nil
}

// normalizeAgainst normalizes n in place, given old, the stored object it
// replaces (already normalized); the top-level fields named in keep hold
// values read from the store and are left alone.
func (ks *kindStore) normalizeAgainst(n, old client.Object, keep ...string) error {
	v, ov := reflect.ValueOf(n).Elem(), reflect.ValueOf(old).Elem()
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Type == typeMetaType || slices.Contains(keep, f.Name) {
			continue // TypeMeta is cleared below
		}
		if err := normalizeValue(v.Field(i), ov.Field(i), jsonTagOf(f)); err != nil {
			return fmt.Errorf("memory: %s of %s %q: %w", f.Name, ks.gvr.Resource, n.GetName(), err)
		}
	}
	n.GetObjectKind().SetGroupVersionKind(schema.GroupVersionKind{})
	n.SetManagedFields(nil)
	return nil
}

// normalizeValue sets v (settable) to what JSON decodes its encoding to,
// as a field with tag tag of a struct being decoded; old is the same
// value in the stored object (invalid where there is none), already so.
func normalizeValue(v, old reflect.Value, tag jsonTag) error {
	if tag.skip || (tag.omitEmpty && isEmptyJSON(v)) || (tag.omitZero && v.IsZero()) {
		// Not encoded, so a decoded struct leaves it zero.
		v.SetZero()
		return nil
	}
	if unchangedByJSON(v) {
		return nil
	}
	if old.IsValid() && reflect.DeepEqual(v.Interface(), old.Interface()) {
		return nil
	}
	t := v.Type()
	switch {
	case t.Kind() == reflect.Struct && fieldwise(t):
		tags := fieldTags(t)
		for i := range t.NumField() {
			var of reflect.Value
			if old.IsValid() {
				of = old.Field(i)
			}
			if err := normalizeValue(v.Field(i), of, tags[i]); err != nil {
				return err
			}
		}
		return nil
	case t.Kind() == reflect.Pointer && !v.IsNil() && t.Elem().Kind() == reflect.Struct && fieldwise(t.Elem()):
		var oe reflect.Value
		if old.IsValid() && !old.IsNil() {
			oe = old.Elem()
		}
		return normalizeValue(v.Elem(), oe, jsonTag{})
	case t.Kind() == reflect.Slice && !v.IsNil() && t.Elem().Kind() != reflect.Uint8 && !customJSON(t):
		for i := range v.Len() {
			var oe reflect.Value
			if old.IsValid() && i < old.Len() {
				oe = old.Index(i)
			}
			if err := normalizeValue(v.Index(i), oe, jsonTag{}); err != nil {
				return err
			}
		}
		return nil
	}
	return roundTrip(v)
}

// unchangedByJSON reports whether v, a value with no custom encoding,
// decodes from its JSON encoding as itself: booleans, integers, finite
// floats and valid UTF-8 strings, pointers to them, and maps of such
// strings (labels, annotations, a ConfigMap's data).
func unchangedByJSON(v reflect.Value) bool {
	t := v.Type()
	if t.Kind() == reflect.Pointer {
		if v.IsNil() {
			return true
		}
		v, t = v.Elem(), t.Elem()
	}
	if t.PkgPath() != "" && customJSON(t) {
		return false
	}
	switch t.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return true
	case reflect.Float32, reflect.Float64:
		f := v.Float()
		return !math.IsNaN(f) && !math.IsInf(f, 0)
	case reflect.String:
		return utf8.ValidString(v.String())
	case reflect.Map:
		if t.Key().Kind() != reflect.String || t.Elem().Kind() != reflect.String ||
			(t.Key().PkgPath() != "" && customJSON(t.Key())) || (t.Elem().PkgPath() != "" && customJSON(t.Elem())) {
			return false
		}
		for it := v.MapRange(); it.Next(); {
			if !utf8.ValidString(it.Key().String()) || !utf8.ValidString(it.Value().String()) {
				return false
			}
		}
		return true
	}
	return false
}

// roundTrip sets v to what JSON decodes its encoding to.
func roundTrip(v reflect.Value) error {
	b, err := json.Marshal(v.Interface())
	if err != nil {
		return fmt.Errorf("encoding: %w", err)
	}
	fresh := reflect.New(v.Type())
	if err := utiljson.Unmarshal(b, fresh.Interface()); err != nil {
		return fmt.Errorf("decoding: %w", err)
	}
	v.Set(fresh.Elem())
	return nil
}

// jsonTag is what a struct field's json tag says about its encoding.
type jsonTag struct {
	skip, omitEmpty, omitZero bool
}

func jsonTagOf(f reflect.StructField) jsonTag {
	tag := f.Tag.Get("json")
	if tag == "-" {
		return jsonTag{skip: true}
	}
	_, opts, _ := strings.Cut(tag, ",")
	var t jsonTag
	for _, o := range strings.Split(opts, ",") {
		switch o {
		case "omitempty":
			t.omitEmpty = true
		case "omitzero":
			t.omitZero = true
		}
	}
	return t
}

// fieldTags returns the json tags of struct type t's fields, by index.
func fieldTags(t reflect.Type) []jsonTag {
	if tags, ok := fieldTagCache.Load(t); ok {
		return tags.([]jsonTag)
	}
	tags := make([]jsonTag, t.NumField())
	for i := range tags {
		tags[i] = jsonTagOf(t.Field(i))
	}
	fieldTagCache.Store(t, tags)
	return tags
}

// isEmptyJSON is encoding/json's test for omitempty.
func isEmptyJSON(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Interface, reflect.Pointer:
		return v.IsZero()
	}
	return false
}

var (
	jsonMarshaler   = reflect.TypeFor[json.Marshaler]()
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textMarshaler   = reflect.TypeFor[encoding.TextMarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
	fieldwiseTypes  sync.Map // reflect.Type -> bool
	fieldTagCache   sync.Map // reflect.Type -> []jsonTag
	customTypes     sync.Map // reflect.Type -> bool
)

// customJSON reports whether t (or *t) encodes or decodes itself.
func customJSON(t reflect.Type) bool {
	if c, ok := customTypes.Load(t); ok {
		return c.(bool)
	}
	c := false
	for _, x := range []reflect.Type{t, reflect.PointerTo(t)} {
		if x.Implements(jsonMarshaler) || x.Implements(jsonUnmarshaler) || x.Implements(textMarshaler) || x.Implements(textUnmarshaler) {
			c = true
		}
	}
	customTypes.Store(t, c)
	return c
}

// fieldwise reports whether JSON encodes the struct type t field by field
// with nothing a per-field round trip would miss: no custom encoding, no
// unexported fields, no ",string" fields, and embedded structs (which JSON
// flattens) only when no two fields would take one JSON name.
func fieldwise(t reflect.Type) bool {
	if ok, known := fieldwiseTypes.Load(t); known {
		return ok.(bool)
	}
	_, ok := jsonNames(t)
	fieldwiseTypes.Store(t, ok)
	return ok
}

// jsonNames returns the JSON names of t's fields, embedded structs'
// flattened in, and whether t is fieldwise.
func jsonNames(t reflect.Type) ([]string, bool) {
	if customJSON(t) {
		return nil, false
	}
	var names []string
	for i := range t.NumField() {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !f.IsExported() || slices.Contains(strings.Split(opts, ","), "string") {
			return nil, false
		}
		switch {
		case name == "-" && opts == "":
			continue
		case f.Anonymous && name == "":
			if f.Type.Kind() != reflect.Struct {
				return nil, false
			}
			inner, ok := jsonNames(f.Type)
			if !ok {
				return nil, false
			}
			names = append(names, inner...)
		case name == "":
			names = append(names, f.Name)
		default:
			names = append(names, name)
		}
	}
	sorted := slices.Sorted(slices.Values(names))
	if len(slices.Compact(sorted)) != len(names) {
		return nil, false
	}
	return names, true
}
