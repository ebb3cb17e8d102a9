package filter

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	eventingv1 "github.com/knsim/knsim/system/apis/eventing/v1"
)

func TestValidate(t *testing.T) {
	tests := []struct {
		name    string
		filters []F
		want    string // "" for valid; else the first line of the error
	}{
		{name: "nil", filters: nil},
		{name: "valid dialects", filters: []F{
			{Exact: map[string]string{"type": "a"}},
			{Prefix: map[string]string{"source": "b"}},
			{Suffix: map[string]string{"subject": "c"}},
			{All: []F{{Exact: map[string]string{"id": "x"}}}},
			{Any: []F{{Exact: map[string]string{"id": "x"}}}},
			{Not: &F{Exact: map[string]string{"id": "x"}}},
			{CESQL: "type = 'a' OR EXISTS myext"},
		}},
		{name: "two dialects", filters: []F{
			{Exact: map[string]string{"type": "a"}},
			{Exact: map[string]string{"type": "a"}, CESQL: "true"},
		}, want: "multiple dialects found, filters can have only one dialect set: spec.filters[1]"},
		{name: "not and any", filters: []F{{Not: &F{}, Any: []F{{}}}},
			want: "multiple dialects found, filters can have only one dialect set: spec.filters[0]"},
		{name: "cesql parse error", filters: []F{
			{Exact: map[string]string{"type": "a"}},
			{CESQL: "type = "},
		}, want: "invalid value: type = : spec.filters[1].cesql"},
		{name: "cesql unbalanced", filters: []F{{CESQL: "(type = 'a'"}},
			want: "invalid value: (type = 'a': spec.filters[0].cesql"},
		{name: "cesql double equals", filters: []F{{CESQL: "type == 'a'"}},
			want: "invalid value: type == 'a': spec.filters[0].cesql"},
		{name: "cesql lone keyword", filters: []F{{CESQL: "LIKE"}},
			want: "invalid value: LIKE: spec.filters[0].cesql"},
		{name: "cesql unterminated string", filters: []F{{CESQL: "type = 'a"}},
			want: "invalid value: type = 'a: spec.filters[0].cesql"},
		{name: "empty key", filters: []F{{Exact: map[string]string{"": "a"}}},
			want: "invalid key name: : spec.filters[0].exact[]"},
		{name: "upper case key", filters: []F{{Prefix: map[string]string{"Type": "a"}}},
			want: "invalid key name: Type: spec.filters[0].prefix[Type]"},
		{name: "nested bad cesql", filters: []F{{All: []F{{Any: []F{{Not: &F{CESQL: "a ="}}}}}}},
			want: "invalid value: a =: spec.filters[0].all[0].any[0].not.cesql"},
		{name: "nested bad key", filters: []F{{Any: []F{{}, {Suffix: map[string]string{"9x": "a"}}}}},
			want: "invalid key name: 9x: spec.filters[0].any[1].suffix[9x]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := Validate(tc.filters)
			got := ""
			if err != nil {
				got, _, _ = strings.Cut(err.Error(), "\n")
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Validate (-want +got):\n%s\nfull error: %v", diff, err)
			}
		})
	}
}

func TestValidateSpec(t *testing.T) {
	spec := &eventingv1.TriggerSpec{
		Filter:  &eventingv1.TriggerFilter{Attributes: map[string]string{"type": "a", "Bad-Name": "b"}},
		Filters: []F{{CESQL: "type ="}},
	}
	err := ValidateSpec(spec).ViaField("spec")
	if err == nil {
		t.Fatal("want errors")
	}
	msg := err.Error()
	for _, want := range []string{"spec.filter.attributes[Bad-Name]", "spec.filters[0].cesql", msgAttributeName} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q lacks %q", msg, want)
		}
	}
	if err := ValidateSpec(&eventingv1.TriggerSpec{}).Err(); err != nil {
		t.Errorf("empty spec: %v", err)
	}
}
