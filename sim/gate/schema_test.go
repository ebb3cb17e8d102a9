package gate

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"
	yaml "go.yaml.in/yaml/v3"
)

var update = flag.Bool("update", false, "rewrite docs/gate.schema.json")

const schemaFile = "../../docs/gate.schema.json"

// TestSchemaUpToDate fails when docs/gate.schema.json differs from what the
// Go types generate; -update rewrites it.
func TestSchemaUpToDate(t *testing.T) {
	want, err := JSONSchema()
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile(schemaFile, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(schemaFile)
	if err != nil {
		t.Fatalf("%v; run: go run ./sim/gate/cmd/gateschema > docs/gate.schema.json", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("docs/gate.schema.json is stale; run: go run ./sim/gate/cmd/gateschema > docs/gate.schema.json\n(-generated +committed):\n%s", diff)
	}
}

// TestSchemaAcceptsShippedGates validates the shipped gate files against
// the schema, and a bad file is rejected by both the schema and Load.
func TestSchemaAcceptsShippedGates(t *testing.T) {
	b, err := JSONSchema()
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("gate.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("gate.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob("../../scenarios/gates/*.gate.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no shipped gate files (%v)", err)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := sch.Validate(toJSON(t, data)); err != nil {
			t.Errorf("%s: schema: %v", f, err)
		}
		if _, err := Parse(f, data); err != nil {
			t.Errorf("%s: Load: %v", f, err)
		}
	}
	bad := []byte("name: x\nscenarios: [{file: a.yaml}]\nmetrics: [{metric: pods.max, better: smaller}]\n")
	if err := sch.Validate(toJSON(t, bad)); err == nil {
		t.Error("schema accepted better: smaller")
	}
	if _, err := Parse("bad.yaml", bad); err == nil {
		t.Error("Load accepted better: smaller")
	}
}

// toJSON turns YAML into the values the schema validator reads.
func toJSON(t *testing.T, data []byte) any {
	t.Helper()
	var v any
	if err := yaml.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	return v
}
