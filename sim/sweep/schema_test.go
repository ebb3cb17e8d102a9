package sweep

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"
	yaml "go.yaml.in/yaml/v3"
)

var update = flag.Bool("update", false, "rewrite docs/sweep.schema.json")

const schemaFile = "../../docs/sweep.schema.json"

// TestSchemaUpToDate fails when docs/sweep.schema.json differs from what
// the Go types generate; -update rewrites it.
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
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("docs/sweep.schema.json is stale; run: go run ./sim/sweep/cmd/sweepschema > docs/sweep.schema.json\n(-generated +committed):\n%s", diff)
	}
}

func validateYAML(t *testing.T, data []byte) error {
	t.Helper()
	b, err := JSONSchema()
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("sweep.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("sweep.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := yaml.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	j, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(j))
	if err != nil {
		t.Fatal(err)
	}
	return s.Validate(inst)
}

func TestSweepFilesMatchSchema(t *testing.T) {
	files, err := filepath.Glob("testdata/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if filepath.Base(f) == "tiny.yaml" {
			continue // the scenario
		}
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if err := validateYAML(t, data); err != nil {
				t.Errorf("%s does not match the schema: %v", f, err)
			}
		})
	}
}

func TestSchemaRejects(t *testing.T) {
	for _, tc := range []struct {
		name, yaml, want string
	}{
		{"unknown field", "scenario: s.yaml\nparamters: []", "paramters"},
		{"no parameters", "scenario: s.yaml", "parameters"},
		{"values and range", "scenario: s.yaml\nparameters: [{path: a, values: [1], range: {min: 0, max: 1}}]", "oneOf"},
		{"bad design", "scenario: s.yaml\ndesign: {type: sobol}\nparameters: [{path: a, values: [1]}]", "type"},
		{"value a list", "scenario: s.yaml\nparameters: [{path: a, values: [[1]]}]", "values"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := validateYAML(t, []byte(tc.yaml))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want it to mention %q", err, tc.want)
			}
		})
	}
}
