package expect

import (
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestKnownMetricsWellFormed(t *testing.T) {
	seen := map[string]bool{}
	for _, m := range KnownMetrics {
		if seen[m.Name] {
			t.Errorf("%s listed twice", m.Name)
		}
		seen[m.Name] = true
		if m.Kind != NumberKind && m.Kind != DurationKind {
			t.Errorf("%s: kind %q", m.Name, m.Kind)
		}
		if m.Help == "" {
			t.Errorf("%s: no help", m.Name)
		}
		if isPattern(m.Name) {
			continue
		}
		if got, ok := LookupMetric(m.Name); !ok || got != m {
			t.Errorf("LookupMetric(%q) = %v, %v", m.Name, got, ok)
		}
		if _, err := Parse(m.Name + " == 0"); err != nil && m.Kind == NumberKind {
			t.Errorf("Parse(%s == 0): %v", m.Name, err)
		}
	}
}

func TestLookupMetric(t *testing.T) {
	tests := []struct {
		name string
		ok   bool
		kind Kind
	}{
		{"pods.max", true, NumberKind},
		{"latency.p99", true, DurationKind},
		{"status.503", true, NumberKind},
		{"status.200", true, NumberKind},
		{"status.5xx", true, NumberKind},
		{"status.<code>", false, ""},
		{"status.600", false, ""},
		{"status.50", false, ""},
		{"pods", false, ""},
		{"pods.max.x", false, ""},
		{"ready.p95", true, DurationKind},
		{"ready.share", true, NumberKind},
		{"ready.route.p95", true, DurationKind},
		{"ready.scheduled.max", true, DurationKind},
		{"ready.ready.p95", false, ""},
		{"ready.route.p42", false, ""},
		{"ready.<stage>.<stat>", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, ok := LookupMetric(tt.name)
			if diff := cmp.Diff([]any{tt.ok, tt.kind}, []any{ok, m.Kind}); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if ok && m.Name != tt.name {
				t.Errorf("Name = %q", m.Name)
			}
		})
	}
}

func TestSuggestMetric(t *testing.T) {
	tests := map[string]string{
		"pods.maxx":        "pods.max",
		"latency.p95x":     "latency.p95",
		"coldstart.count":  "coldstarts.count",
		"requests.error":   "requests.errors",
		"events.lostt":     "events.lost",
		"cost.zzzzzzzzzzz": "cost.total",
		"zzzzzzzzzzzz":     "",
	}
	for in, want := range tests {
		if got := suggestMetric(in); got != want {
			t.Errorf("suggestMetric(%q) = %q, want %q", in, got, want)
		}
	}
	if !strings.Contains(StatusMetric, "<code>") {
		t.Error("StatusMetric is a pattern")
	}
}

// TestMetricsDocumented checks that docs/scenarios.md lists every metric.
func TestMetricsDocumented(t *testing.T) {
	doc, err := os.ReadFile("../../docs/scenarios.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range KnownMetrics {
		if !strings.Contains(string(doc), "`"+m.Name+"`") {
			t.Errorf("docs/scenarios.md does not document `%s`", m.Name)
		}
	}
}
