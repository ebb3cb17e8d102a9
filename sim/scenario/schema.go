package scenario

import (
	"embed"
	"encoding/json"
	"go/ast"
	"go/token"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"github.com/invopop/jsonschema"
	orderedmap "github.com/pb33f/ordered-map/v2"

	"github.com/knsim/knsim/sim/distribution"
	servingv1 "github.com/knsim/knsim/system/apis/serving/v1"
)

// The schema's descriptions come from the doc comments of the types.
//
//go:embed types.go traffic.go actions.go events.go
var typeSources embed.FS

// SchemaTitle is the title of the generated JSON Schema.
const SchemaTitle = "knsim scenario"

// JSONSchema returns the JSON Schema (draft 2020-12) of scenario files,
// generated from the Go types and their doc comments; docs/
// scenario.schema.json holds it (go run ./sim/scenario/cmd/schemagen). The
// schema checks structure, types, enumerations, required fields and which
// fields go together; Load checks everything else.
func JSONSchema() ([]byte, error) {
	comments, err := typeComments()
	if err != nil {
		return nil, err
	}
	r := &jsonschema.Reflector{
		Anonymous:                  true,
		RequiredFromJSONSchemaTags: true,
		Mapper:                     schemaMapper,
		LookupComment: func(t reflect.Type, field string) string {
			if t == reflect.TypeFor[servingv1.TrafficTarget]() {
				return trafficTargetDocs[field]
			}
			if t.PkgPath() != reflect.TypeFor[Scenario]().PkgPath() {
				return ""
			}
			if field == "" {
				return comments[t.Name()]
			}
			return comments[t.Name()+"."+field]
		},
	}
	s := r.Reflect(&Scenario{})
	s.Title = SchemaTitle
	// schemaMapper refers to these instead of inlining them (the reflector
	// files under $defs only the schemas of types' own JSONSchema methods).
	s.Definitions["Duration"] = durationDef()
	s.Definitions["Distribution"] = distributionDef()
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

var trafficTargetDocs = map[string]string{
	"":                  "A Knative traffic target, as in a Service's spec.traffic.",
	"Tag":               "Gives the target its own URL, http://{tag}-{route}.{namespace}.{domain}.",
	"RevisionName":      "Pins the target to one Revision.",
	"ConfigurationName": "Not allowed in a Service's traffic.",
	"LatestRevision":    "Follows the latest ready Revision; defaults to true exactly when revisionName is empty.",
	"Percent":           "Percent of traffic for this target; the targets' percents add up to 100.",
	"URL":               "Set in status only; leave it out.",
}

const (
	durationPattern = `^(0|(([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|μs|ms|s|m|h))+)$`
	quantityPattern = `^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$`
)

// schemaMapper gives Kubernetes quantities their schema, and durations and
// distributions (types of sim/distribution, which knows no schemas) a
// reference to theirs.
func schemaMapper(t reflect.Type) *jsonschema.Schema {
	switch t {
	case quantityType:
		return &jsonschema.Schema{OneOf: []*jsonschema.Schema{
			{Type: "string", Pattern: quantityPattern},
			{Type: "number"},
		}}
	case durationType:
		return durationRef()
	case distributionType:
		return &jsonschema.Schema{Ref: "#/$defs/Distribution"}
	}
	return nil
}

func durationSchema() *jsonschema.Schema {
	return &jsonschema.Schema{Type: "string", Pattern: durationPattern,
		Examples: []any{"90s", "250ms", "1h30m"}}
}

func durationRef() *jsonschema.Schema { return &jsonschema.Schema{Ref: "#/$defs/Duration"} }

// durationDef describes a duration string.
func durationDef() *jsonschema.Schema {
	s := durationSchema()
	s.Description = "A Go duration: a sequence of decimal numbers with units ns, us, ms, s, m, h, e.g. 90s, 250ms, 1h30m."
	return s
}

// distributionDef describes both forms of a distribution and, for the
// mapping, the parameters each type requires and allows.
func distributionDef() *jsonschema.Schema {
	num := func() *jsonschema.Schema { return &jsonschema.Schema{Type: "number"} }
	props := jsonschema.NewProperties()
	props.Set("type", &jsonschema.Schema{Type: "string", Enum: []any{"constant", "uniform", "normal", "lognormal", "exponential", "empirical"}})
	for _, p := range []string{"value", "min", "max", "mean", "stddev"} {
		props.Set(p, durationRef())
	}
	props.Set("mu", num())
	props.Set("sigma", &jsonschema.Schema{Type: "number", ExclusiveMinimum: "0"})
	props.Set("samples", &jsonschema.Schema{Type: "array", Items: durationRef(), MinItems: ptr(uint64(1))})
	var rules []*jsonschema.Schema
	for _, t := range distribution.Types {
		params := t.Params()
		allowed := []any{"type"}
		for _, p := range params {
			allowed = append(allowed, p)
		}
		rules = append(rules, &jsonschema.Schema{
			If:   &jsonschema.Schema{Properties: single("type", &jsonschema.Schema{Const: string(t)})},
			Then: &jsonschema.Schema{Required: params, PropertyNames: &jsonschema.Schema{Enum: allowed}},
		})
	}
	return &jsonschema.Schema{
		Description: "A distribution of durations: a plain duration (a constant) or a mapping with a type and its parameters (lognormal mu and sigma are in log-seconds).",
		OneOf: []*jsonschema.Schema{
			durationRef(),
			{Type: "object", Properties: props, Required: []string{"type"},
				AdditionalProperties: jsonschema.FalseSchema, AllOf: rules},
		},
	}
}

func single(name string, s *jsonschema.Schema) *orderedmap.OrderedMap[string, *jsonschema.Schema] {
	p := jsonschema.NewProperties()
	p.Set(name, s)
	return p
}

func ptr[T any](v T) *T { return &v }

// exactlyOne requires exactly one of the named properties.
func exactlyOne(names ...string) []*jsonschema.Schema {
	out := make([]*jsonschema.Schema, len(names))
	for i, n := range names {
		out[i] = &jsonschema.Schema{Required: []string{n}}
	}
	return out
}

// JSONSchemaExtend requires exactly one generator, and a host for hey and
// rate.
func (Traffic) JSONSchemaExtend(s *jsonschema.Schema) {
	s.OneOf = exactlyOne("hey", "rate", "trace")
	s.DependentRequired = map[string][]string{"hey": {"host"}, "rate": {"host"}}
}

// JSONSchemaExtend requires exactly one operation.
func (Action) JSONSchemaExtend(s *jsonschema.Schema) { s.OneOf = exactlyOne(actionKinds...) }

// JSONSchemaExtend requires exactly one of file and inline.
func (Manifest) JSONSchemaExtend(s *jsonschema.Schema) { s.OneOf = exactlyOne("file", "inline") }

// JSONSchemaExtend requires exactly one of service and pod.
func (DeletePod) JSONSchemaExtend(s *jsonschema.Schema) { s.OneOf = exactlyOne("service", "pod") }

var (
	commentsOnce sync.Once
	commentsMap  map[string]string
	commentsErr  error
)

// typeComments maps "Type" and "Type.Field" to their doc comments, each
// joined into one line.
func typeComments() (map[string]string, error) {
	commentsOnce.Do(func() { commentsMap, commentsErr = DocComments(typeSources) })
	return commentsMap, commentsErr
}

func collectComments(f *ast.File, out map[string]string) {
	for _, decl := range f.Decls {
		gd, ok := decl.(*ast.GenDecl)
		if !ok || gd.Tok != token.TYPE {
			continue
		}
		for _, spec := range gd.Specs {
			ts := spec.(*ast.TypeSpec)
			doc := ts.Doc
			if doc == nil {
				doc = gd.Doc
			}
			out[ts.Name.Name] = oneLine(doc)
			st, ok := ts.Type.(*ast.StructType)
			if !ok {
				continue
			}
			for _, field := range st.Fields.List {
				for _, name := range field.Names {
					out[ts.Name.Name+"."+name.Name] = yamlNamed(oneLine(field.Doc), name.Name, field.Tag)
				}
			}
		}
	}
}

// yamlNamed replaces the Go field name that starts a comment with the
// field's YAML name: "Count is ..." becomes "count is ...".
func yamlNamed(doc, goName string, tag *ast.BasicLit) string {
	if tag == nil || !strings.HasPrefix(doc, goName+" ") {
		return doc
	}
	raw, err := strconv.Unquote(tag.Value)
	if err != nil {
		return doc
	}
	name, _, _ := strings.Cut(reflect.StructTag(raw).Get("json"), ",")
	if name == "" || name == "-" {
		return doc
	}
	return name + strings.TrimPrefix(doc, goName)
}

func oneLine(g *ast.CommentGroup) string {
	if g == nil {
		return ""
	}
	return strings.Join(strings.Fields(g.Text()), " ")
}
