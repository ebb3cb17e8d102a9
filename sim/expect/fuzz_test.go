package expect

import (
	"bufio"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	yaml "go.yaml.in/yaml/v3"
)

// FuzzParse feeds Parse arbitrary text: it must return an expression or a
// *SyntaxError with a position inside the text, never panic; an expression
// must read back the same from its String, and each reference must parse
// alone in a comparison. Seeds: testdata/errors.txt and the expectations of
// the shipped scenarios.
func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		e, err := Parse(src)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%q) error is %T, want *SyntaxError", src, err)
			}
			if se.Line < 1 || se.Col < 1 || se.Line > strings.Count(src, "\n")+1 {
				t.Fatalf("Parse(%q): position %d:%d is outside the text", src, se.Line, se.Col)
			}
			return
		}
		again, err := Parse(e.String())
		if err != nil {
			t.Fatalf("Parse(%q) succeeded but its String %q does not parse: %v", src, e.String(), err)
		}
		if got, want := refStrings(again), refStrings(e); got != want {
			t.Fatalf("Parse(%q): refs %s, after a round trip %s", src, want, got)
		}
		for _, r := range e.Refs() {
			if _, err := Parse(r.String() + " >= 0"); err != nil {
				t.Fatalf("Parse(%q): reference %s does not parse alone: %v", src, r, err)
			}
		}
	})
}

func refStrings(e *Expr) string {
	var out []string
	for _, r := range e.Refs() {
		out = append(out, r.String())
	}
	return strings.Join(out, " ")
}

// fuzzSeeds lists the lines of testdata/errors.txt and the expect entries of
// ../../scenarios/*.yaml.
func fuzzSeeds(f *testing.F) []string {
	f.Helper()
	var seeds []string
	file, err := os.Open("testdata/errors.txt")
	if err != nil {
		f.Fatal(err)
	}
	defer file.Close()
	sc := bufio.NewScanner(file)
	for sc.Scan() {
		if line := sc.Text(); !strings.HasPrefix(line, "#") {
			seeds = append(seeds, strings.ReplaceAll(line, `\n`, "\n"))
		}
	}
	paths, err := filepath.Glob("../../scenarios/*.yaml")
	if err != nil {
		f.Fatal(err)
	}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		var s struct {
			Expect []string `yaml:"expect"`
		}
		if err := yaml.Unmarshal(data, &s); err != nil {
			continue // not every scenario decodes into this narrow view
		}
		seeds = append(seeds, s.Expect...)
	}
	return append(seeds, strings.Repeat("!", 200)+"pods.max < 3", strings.Repeat("(", 120)+"pods.max < 3")
}
