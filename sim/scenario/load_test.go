package scenario

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"k8s.io/apimachinery/pkg/api/resource"
)

var update = flag.Bool("update", false, "rewrite golden files")

// cmpScenario compares scenarios, quantities by value and without the
// decoded objects.
var cmpScenario = []cmp.Option{
	cmp.Comparer(func(a, b resource.Quantity) bool { return a.Cmp(b) == 0 }),
	cmpopts.IgnoreFields(Manifest{}, "Objects"),
	cmpopts.IgnoreFields(Scenario{}, "File", "Dir"),
	cmpopts.EquateEmpty(),
}

func goodFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("testdata/good/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata/good/*.yaml: %v", err)
	}
	return files
}

func TestLoadGood(t *testing.T) {
	for _, f := range goodFiles(t) {
		t.Run(filepath.Base(f), func(t *testing.T) {
			s, err := Load(f)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if err := s.Validate(); err != nil {
				t.Errorf("Validate after defaults: %v", err)
			}
			if s.File != f || s.Dir != filepath.Dir(f) {
				t.Errorf("File, Dir = %q, %q", s.File, s.Dir)
			}
			exprs, err := s.Expectations()
			if err != nil || len(exprs) != len(s.Expect) {
				t.Errorf("Expectations() = %d, %v", len(exprs), err)
			}
			for i, m := range s.Manifests {
				if len(m.Objects) == 0 {
					t.Errorf("manifests[%d] decoded no objects", i)
				}
			}
			// The resolved scenario round-trips through JSON, which is YAML.
			b, err := json.Marshal(s)
			if err != nil {
				t.Fatal(err)
			}
			back, err := Parse(f+".json", b, filepath.Dir(f))
			if err != nil {
				t.Fatalf("Parse(json): %v\n%s", err, b)
			}
			if diff := cmp.Diff(s, back, cmpScenario...); diff != "" {
				t.Errorf("JSON round trip (-loaded +reparsed):\n%s", diff)
			}
		})
	}
}

func TestExampleMatchesTestdata(t *testing.T) {
	loaded, err := Load("testdata/good/example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	ex := Example()
	if err := ex.Validate(); err != nil {
		t.Fatalf("Example().Validate: %v", err)
	}
	if err := ex.Resolve(); err != nil {
		t.Fatalf("Example().Resolve: %v", err)
	}
	if len(ex.Manifests[0].Objects) != 1 || ex.Actions[0].Apply.Objects[0].GetName() != "helloworld-go" {
		t.Errorf("Resolve did not decode the inline manifests")
	}
	ex.Default()
	if diff := cmp.Diff(ex, loaded, cmpScenario...); diff != "" {
		t.Errorf("Example() vs testdata/good/example.yaml (-code +file):\n%s", diff)
	}
}

// TestLoadBad loads each testdata/bad/*.yaml and compares the error with
// the .golden file beside it; run with -update to rewrite them.
func TestLoadBad(t *testing.T) {
	files, err := filepath.Glob("testdata/bad/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata/bad/*.yaml: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			s, err := Load(f)
			if err == nil {
				t.Fatalf("Load succeeded: %+v", s)
			}
			if _, ok := err.(ErrorList); !ok {
				t.Errorf("error is %T, want ErrorList", err)
			}
			got := err.Error() + "\n"
			golden := strings.TrimSuffix(f, ".yaml") + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("errors differ from %s (-want +got); go test -update rewrites it:\n%s", golden, diff)
			}
		})
	}
}
