package gate

import (
	"embed"

	"github.com/knsim/knsim/sim/scenario"
)

// The schema's descriptions come from the doc comments of the types.
//
//go:embed types.go
var typeSources embed.FS

// SchemaTitle is the title of the generated JSON Schema.
const SchemaTitle = "knsim gate"

// JSONSchema returns the JSON Schema (draft 2020-12) of gate files,
// generated from the Go types and their doc comments; docs/gate.schema.json
// holds it (go run ./sim/gate/cmd/gateschema > docs/gate.schema.json). Load
// checks everything the schema checks, and the metric names besides.
func JSONSchema() ([]byte, error) {
	return scenario.ReflectSchema(&Gate{}, SchemaTitle, typeSources)
}
