package expect

import (
	"bufio"
	"flag"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite golden files")

func dur(d time.Duration) *time.Duration { return &d }

func TestParseRefs(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{"simple", "pods.max <= 12", []string{"pods.max"}},
		{"duration literal", "latency.p99 < 250ms", []string{"latency.p99"}},
		{"at scope", "at(45s).pods.ready >= 5", []string{"at(45s).pods.ready"}},
		{"service scope", "service(helloworld-go).pods.max <= 3", []string{"service(helloworld-go).pods.max"}},
		{"revision scope", "revision(default/hello-v2).at(1m).requests.total >= 1", []string{"revision(default/hello-v2).at(1m).requests.total"}},
		{"both scopes canonical order", "at(1m0s).service(default/hello).pods.ready == 1",
			[]string{"service(default/hello).at(1m).pods.ready"}},
		{"space before paren", "at (45s).pods.ready >= 5", []string{"at(45s).pods.ready"}},
		{"status code", "status.503 == 0 && status.5xx == 0", []string{"status.503", "status.5xx"}},
		{"literal first", "12 >= pods.max", []string{"pods.max"}},
		{"metric vs metric", "service(a).latency.p99 <= service(b).latency.p99",
			[]string{"service(a).latency.p99", "service(b).latency.p99"}},
		{"dedup", "pods.max <= 3 && pods.max >= 1", []string{"pods.max"}},
		{"logic", "!(pods.max > 3) || (requests.errors == 0 && cost.total < 1.50)",
			[]string{"pods.max", "requests.errors", "cost.total"}},
		{"not without parens", "!pods.max <= 3", []string{"pods.max"}},
		{"no spaces", "pods.max<=3&&!requests.errors>0", []string{"pods.max", "requests.errors"}},
		{"percent", "requests.error_rate < 0.5%", []string{"requests.error_rate"}},
		{"zero duration", "latency.p99 > 0", []string{"latency.p99"}},
		{"compound duration", "coldstarts.max < 1m30s", []string{"coldstarts.max"}},
		{"negative number", "cost.total > -1", []string{"cost.total"}},
		{"multi-line", "pods.max <= 3 &&\n  requests.errors == 0", []string{"pods.max", "requests.errors"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := Parse(tt.src)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.src, err)
			}
			var got []string
			for _, r := range e.Refs() {
				got = append(got, r.String())
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("refs (-want +got):\n%s", diff)
			}
			if e.String() != strings.TrimSpace(tt.src) {
				t.Errorf("String() = %q, want %q", e.String(), tt.src)
			}
		})
	}
}

func TestParseScopeValues(t *testing.T) {
	e := MustParse("service(ns/svc).at(1m30s).pods.ready >= 1")
	want := []Ref{{Metric: "pods.ready", Scope: Scope{At: dur(90 * time.Second), Service: "ns/svc"}}}
	if diff := cmp.Diff(want, e.Refs()); diff != "" {
		t.Errorf("refs (-want +got):\n%s", diff)
	}
}

// TestParseErrors checks every line of testdata/errors.txt against
// testdata/errors.golden; run with -update to rewrite the golden file.
func TestParseErrors(t *testing.T) {
	f, err := os.Open("testdata/errors.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out strings.Builder
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			continue
		}
		line = strings.ReplaceAll(line, `\n`, "\n")
		_, err := Parse(line)
		if err == nil {
			t.Errorf("Parse(%q) succeeded, want an error", line)
			continue
		}
		if _, ok := err.(*SyntaxError); !ok {
			t.Errorf("Parse(%q) error is %T, want *SyntaxError", line, err)
		}
		out.WriteString(strings.ReplaceAll(line, "\n", `\n`) + "\n\t" + err.Error() + "\n")
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	golden := "testdata/errors.golden"
	if *update {
		if err := os.WriteFile(golden, []byte(out.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), out.String()); diff != "" {
		t.Errorf("errors differ from %s (-want +got); run go test -update if intended:\n%s", golden, diff)
	}
}

func TestMarshalText(t *testing.T) {
	e := MustParse(" pods.max <= 3 ")
	b, err := e.MarshalText()
	if err != nil || string(b) != "pods.max <= 3" {
		t.Fatalf("MarshalText = %q, %v", b, err)
	}
	var back Expr
	if err := back.UnmarshalText(b); err != nil {
		t.Fatal(err)
	}
	if back.String() != e.String() {
		t.Errorf("round trip = %q, want %q", back.String(), e.String())
	}
	if err := back.UnmarshalText([]byte("pods.max => 3")); err == nil {
		t.Error("UnmarshalText accepted a bad expression")
	}
}
