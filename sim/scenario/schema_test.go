package scenario

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"
	yaml "go.yaml.in/yaml/v3"
)

const schemaFile = "../../docs/scenario.schema.json"

// TestSchemaUpToDate fails when docs/scenario.schema.json differs from what
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
		t.Fatalf("%v; run: go run ./sim/scenario/cmd/schemagen > docs/scenario.schema.json", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("docs/scenario.schema.json is stale; run: go run ./sim/scenario/cmd/schemagen > docs/scenario.schema.json\n(-generated +committed):\n%s", diff)
	}
}

func compileSchema(t *testing.T) *jsonschema.Schema {
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
	if err := c.AddResource("scenario.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("scenario.schema.json")
	if err != nil {
		t.Fatalf("compiling the schema: %v", err)
	}
	return s
}

// yamlInstance converts YAML to the JSON value the validator checks. It
// decodes with yaml.v3, as Load does: YAML 1.1 decoders (sigs.k8s.io/yaml)
// would read hey's key "n" as the boolean false.
func yamlInstance(t *testing.T, data []byte) any {
	t.Helper()
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
	return inst
}

func TestGoodFilesMatchSchema(t *testing.T) {
	s := compileSchema(t)
	for _, f := range goodFiles(t) {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Validate(yamlInstance(t, data)); err != nil {
				t.Errorf("%s does not match the schema: %v", f, err)
			}
		})
	}
}

func TestSchemaRejects(t *testing.T) {
	s := compileSchema(t)
	base := "metadata: {name: x, duration: 1m}\n"
	tests := []struct {
		name string
		yaml string
		want string // a fragment of the validation error
	}{
		{"unknown field", base + "trafic: []", "trafic"},
		{"missing duration", "metadata: {name: x}", "duration"},
		{"two generators", base + "traffic: [{host: a.b, hey: {}, rate: {rps: 1}}]", "oneOf"},
		{"hey without host", base + "traffic: [{hey: {}}]", "host"},
		{"bad duration", "metadata: {name: x, duration: 90}", "duration"},
		{"bad enum", base + "cluster: {scheduling: random}", "scheduling"},
		{"distribution missing param", base + "cluster: {pods: {readiness: {type: uniform, min: 1s}}}", "max"},
		{"distribution foreign param", base + "cluster: {pods: {readiness: {type: exponential, mean: 1s, mu: 1}}}", "mu"},
		{"two operations", base + "actions: [{at: 1s, killNode: {node: a}, cordonNode: {node: a}}]", "oneOf"},
		{"bad quantity", base + "cluster: {nodes: [{count: 1, cpu: lots}]}", "cpu"},
		{"too many nodes", base + "cluster: {nodes: [{count: 10000000}]}", "count"},
		{"too many hey workers", base + "traffic: [{host: a.b, hey: {c: 10000000}}]", "maximum"},
		{"rate over the limit", base + "traffic: [{host: a.b, rate: {rps: 1e9}}]", "maximum"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := s.Validate(yamlInstance(t, []byte(tt.yaml)))
			if err == nil {
				t.Fatalf("schema accepted:\n%s", tt.yaml)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error does not mention %q:\n%v", tt.want, err)
			}
		})
	}
}
