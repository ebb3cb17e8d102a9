package scenario

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/knsim/knsim/sim/expect"
)

// MaxErrors is how many errors a load reports at most; the rest are
// summarized in one final line.
const MaxErrors = 20

// Error is one problem with a scenario: where it is and what was expected.
type Error struct {
	// File is the scenario file ("" for a scenario built in code).
	File string
	// Line and Column locate the problem in File, 1-based; 0 when unknown.
	Line, Column int
	// Path is the field path, e.g. "traffic[0].hey.c" or
	// "workloads[default/hello].serviceTime".
	Path string
	// Msg says what was wrong and what was expected.
	Msg string

	// syntax is an expectation's parse error, which the loader places
	// exactly in the file.
	syntax *expect.SyntaxError
}

// Error formats e as "file:line:column: path: message", leaving out the
// parts that are unknown.
func (e *Error) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			fmt.Fprintf(&b, ":%d", e.Line)
			if e.Column > 0 {
				fmt.Fprintf(&b, ":%d", e.Column)
			}
		}
		b.WriteString(": ")
	}
	if e.Path != "" {
		b.WriteString(e.Path + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// ErrorList is every problem found in a scenario, in file order. Load,
// Parse and Validate return one (as an error) when there is any problem.
type ErrorList []*Error

// Error writes one error a line, at most MaxErrors of them.
func (l ErrorList) Error() string {
	var b strings.Builder
	for i, e := range l {
		if i == MaxErrors {
			fmt.Fprintf(&b, "\n... and %d more errors", len(l)-MaxErrors)
			break
		}
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// Unwrap returns the errors, for errors.As.
func (l ErrorList) Unwrap() []error {
	out := make([]error, len(l))
	for i, e := range l {
		out[i] = e
	}
	return out
}

// err returns l as an error, or nil when l is empty.
func (l ErrorList) err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}

// sort orders l by position; errors without one keep their order at the end.
func (l ErrorList) sort() {
	slices.SortStableFunc(l, func(a, b *Error) int {
		if (a.Line == 0) != (b.Line == 0) {
			if a.Line == 0 {
				return 1
			}
			return -1
		}
		return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(a.Column, b.Column))
	})
}

// suggest returns the candidate closest to s, or "" when none is close.
func suggest(s string, candidates []string) string {
	best, bestD := "", (len(s)+2)/3+1
	for _, c := range candidates {
		if d := editDistance(strings.ToLower(s), strings.ToLower(c)); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// didYouMean formats a suggestion, or the list of candidates when none is
// close: ` (did you mean "c"?)` or `; expected one of: a, b, c`.
func didYouMean(s string, candidates []string) string {
	if best := suggest(s, candidates); best != "" {
		return fmt.Sprintf(" (did you mean %q?)", best)
	}
	return "; expected one of: " + strings.Join(candidates, ", ")
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := 1
			if a[i-1] == b[j-1] {
				c = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+c)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
