package sweep

import (
	"embed"

	"github.com/invopop/jsonschema"

	"github.com/knsim/knsim/sim/scenario"
)

// The schema's descriptions come from the doc comments of the types.
//
//go:embed file.go
var typeSources embed.FS

// SchemaTitle is the title of the generated JSON Schema.
const SchemaTitle = "knsim sweep"

// JSONSchema returns the JSON Schema (draft 2020-12) of sweep files,
// generated from the Go types and their doc comments; docs/
// sweep.schema.json holds it (go run ./sim/sweep/cmd/sweepschema). The
// schema checks structure and types; Load checks paths and values against
// the scenario.
func JSONSchema() ([]byte, error) {
	return scenario.ReflectSchema(&File{}, SchemaTitle, typeSources)
}

// JSONSchema lets a value be written as a string, number or boolean, as
// YAML users write "10", 10 and true alike.
func (Value) JSONSchema() *jsonschema.Schema {
	return &jsonschema.Schema{
		Description: "A value as written in the scenario or manifest: a string, number or boolean.",
		AnyOf:       []*jsonschema.Schema{{Type: "string"}, {Type: "number"}, {Type: "boolean"}},
	}
}

// JSONSchemaExtend says that a parameter takes values or a range.
func (Parameter) JSONSchemaExtend(s *jsonschema.Schema) {
	s.OneOf = []*jsonschema.Schema{{Required: []string{"values"}}, {Required: []string{"range"}}}
}
