package scenario

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const head = "metadata: {name: x, duration: 1m}\n"

func TestParseErrorsInline(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want []string
	}{
		{"plain expectation column", head + "expect:\n  - pods.max => 3\n",
			[]string{`x.yaml:3:14: expect[0]: unknown operator "=>"; did you mean ">="?`}},
		{"double quoted column", head + "expect: [\"pods.max => 3\"]\n",
			[]string{`x.yaml:2:20: expect[0]: unknown operator "=>"; did you mean ">="?`}},
		{"escaped quotes keep the relative column", head + "expect: [\"pods.max \\u003d> 3\"]\n",
			[]string{`x.yaml:2:10: expect[0]: 1:10: unknown operator "=>"; did you mean ">="?`}},
		{"wrong type in flow mapping", head + "traffic: [{host: a.b, hey: {c: many}}]\n",
			[]string{`x.yaml:2:29: traffic[0].hey.c: expected an integer, got "many"`}},
		{"null generator gets defaults then validation", head + "traffic: [{host: a.b, hey: }]\n", nil},
		{"merge of a non-mapping", head + "traffic: [{<<: 3, host: a.b, hey: {}}]\n",
			[]string{`x.yaml:2:16: traffic[0]: << merges a mapping or a list of mappings, got "3"`}},
		{"non-string key", head + "workloads: {[a]: {}}\n",
			[]string{`x.yaml:2:13: workloads: mapping keys must be strings, got a list`}},
		{"boolean in a string list is text", head + "metadata2: 1\n",
			[]string{`x.yaml:2:1: unknown field "metadata2" (did you mean "metadata"?)`}},
		{"tab indentation", "metadata:\n\tname: x\n",
			[]string{`x.yaml:2: invalid YAML: found character that cannot start any token`}},
		{"comments only", "# nothing here\n",
			[]string{"x.yaml: the file is empty; a scenario needs at least metadata.name and metadata.duration"}},
		{"document marker only", "---\n",
			[]string{`x.yaml:2:1: expected a mapping with metadata, cluster, workloads, manifests, traffic, actions, prices and expect, got nothing`}},
		{"same service twice", head + "workloads: {hello: {}, default/hello: {}}\n",
			[]string{"x.yaml:2:13: workloads[hello]: names the same Knative Service as workloads[default/hello]",
				"x.yaml:2:24: workloads[default/hello]: no Knative Service default/hello in the manifests"}},
		{"unknown field does not hide other errors", "metadata: {name: x}\nbogus: 1\n",
			[]string{`x.yaml:1:1: metadata.duration: is required: how long the run lasts, e.g. "90s"`,
				`x.yaml:2:1: unknown field "bogus"; expected one of: metadata, cluster, workloads, manifests, traffic, events, subscribers, producers, actions, prices, expect`}},
		{"root scalar", "hello\n",
			[]string{`x.yaml:1:1: expected a mapping with metadata, cluster, workloads, manifests, traffic, actions, prices and expect, got "hello"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("x.yaml", []byte(tt.yaml), ".")
			var got []string
			if err != nil {
				got = strings.Split(err.Error(), "\n")
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Parse (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseAnchors(t *testing.T) {
	s, err := Load("testdata/good/anchors.yaml")
	if err != nil {
		t.Fatal(err)
	}
	second := s.Traffic[1]
	if second.Name != "second" || second.Host != "helloworld-go.default.example.com" || second.Rate.RPS != 5 ||
		second.Start.D().Seconds() != 30 {
		t.Errorf("merged generator = %+v", second)
	}
}
