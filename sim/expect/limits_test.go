package expect

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestParseLimits checks the length and nesting limits, and that a long
// run of "!" is scanned once (it took tens of seconds when every "!"
// rescanned the rest of the run).
func TestParseLimits(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want string // the error, "" for none
	}{
		{"100 k leading !", strings.Repeat("!", 100_000) + "pods.max < 3",
			"1:10001: the expectation is 100012 bytes long; at most 10000 are allowed"},
		{"just too long", "pods.max < 3" + strings.Repeat(" ", MaxLength-11),
			"1:10001: the expectation is 10001 bytes long; at most 10000 are allowed"},
		{"longest allowed", "pods.max < 3" + strings.Repeat(" ", MaxLength-12), ""},
		{"! nested 100 deep", strings.Repeat("!", MaxDepth) + "pods.max < 3", ""},
		{"! nested 101 deep", strings.Repeat("!", MaxDepth+1) + "pods.max < 3",
			`1:101: "!" and "(" nest more than 100 deep`},
		{"( nested 101 deep", strings.Repeat("(", MaxDepth+1) + "pods.max < 3" + strings.Repeat(")", MaxDepth+1),
			`1:101: "!" and "(" nest more than 100 deep`},
		{"mixed nesting", strings.Repeat("!(", 51) + "pods.max < 3" + strings.Repeat(")", 51),
			`1:101: "!" and "(" nest more than 100 deep`},
		{"long flat chain", strings.TrimSuffix(strings.Repeat("pods.max < 3 && ", 600), " && "), ""},
		{"run of ! after &&", "pods.max < 3 &&" + strings.Repeat("!", 10) + "pods.max < 3", ""},
		{"!! before =", "pods.max !!= 3", `1:10: unknown operator "!!="`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.src)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Parse error (-want +got):\n%s", diff)
			}
		})
	}
}

// TestBangRunLinear counts the bytes the lexer scans for a run of "!": a
// run of n is scanned once, not n times.
func TestBangRunLinear(t *testing.T) {
	l := lexer{src: strings.Repeat("!", 5000) + "x"}
	nots := 0
	for tok := l.next(); tok.kind == tNot; tok = l.next() {
		nots++
	}
	if diff := cmp.Diff(5000, nots); diff != "" {
		t.Errorf("tNot tokens (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(5000, l.bangEnd); diff != "" {
		t.Errorf("end of the run (-want +got):\n%s", diff)
	}
}
