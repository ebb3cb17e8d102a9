package filter

import (
	"fmt"
	"sort"
	"strings"

	cesql "github.com/cloudevents/sdk-go/sql/v2"
	cesqlparser "github.com/cloudevents/sdk-go/sql/v2/parser"
	cloudevents "github.com/cloudevents/sdk-go/v2"
)

// kv is one attribute name and the value it is compared with.
type kv struct {
	name, value string
}

// sortedPairs returns m's entries sorted by name, so evaluation order (and
// therefore cost) is deterministic.
func sortedPairs(m map[string]string) []kv {
	out := make([]kv, 0, len(m))
	for k, v := range m {
		out = append(out, kv{name: strings.ToLower(k), value: v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// attributesNode is spec.filter.attributes: every pair must match exactly;
// the value "" means "present and non-empty".
type attributesNode []kv

func newAttributesNode(m map[string]string) attributesNode {
	return attributesNode(sortedPairs(m))
}

func (n attributesNode) match(ev *cloudevents.Event) Result {
	for _, p := range n {
		v, ok := Lookup(ev, p.name)
		if !ok {
			return Fail
		}
		if p.value != "" && p.value != v {
			return Fail
		}
	}
	return Pass
}

// op is the comparison of a map dialect.
type op int

const (
	exactOp op = iota
	prefixOp
	suffixOp
)

// mapNode is the exact, prefix or suffix dialect: every pair must hold; an
// attribute missing from the event fails.
type mapNode struct {
	op    op
	pairs []kv
}

// newMapNode returns nil (NoFilter) when an entry has an empty name or
// value, as Knative's NewExactFilter/NewPrefixFilter/NewSuffixFilter refuse
// those and the filter handler then skips the item.
func newMapNode(o op, m map[string]string) node {
	for k, v := range m {
		if k == "" || v == "" {
			return nil
		}
	}
	return mapNode{op: o, pairs: sortedPairs(m)}
}

func (n mapNode) match(ev *cloudevents.Event) Result {
	for _, p := range n.pairs {
		v, ok := Lookup(ev, p.name)
		if !ok {
			return Fail
		}
		var hit bool
		switch n.op {
		case exactOp:
			hit = v == p.value
		case prefixOp:
			hit = strings.HasPrefix(v, p.value)
		case suffixOp:
			hit = strings.HasSuffix(v, p.value)
		}
		if !hit {
			return Fail
		}
	}
	return Pass
}

// allNode passes when every child passes (NoFilter when empty); it stops
// at the first Fail.
type allNode []node

func (n allNode) match(ev *cloudevents.Event) Result {
	res := NoFilter
	for _, c := range n {
		res = res.And(c.match(ev))
		if res == Fail {
			return Fail
		}
	}
	return res
}

// anyNode passes when some child passes (NoFilter when empty); it stops at
// the first Pass.
type anyNode []node

func (n anyNode) match(ev *cloudevents.Event) Result {
	res := NoFilter
	for _, c := range n {
		res = res.Or(c.match(ev))
		if res == Pass {
			return Pass
		}
	}
	return res
}

// notNode inverts its child; a skipped child (nil) stays NoFilter.
type notNode struct {
	child node
}

func (n notNode) match(ev *cloudevents.Event) Result {
	if n.child == nil {
		return NoFilter
	}
	return n.child.match(ev).Not()
}

// cesqlNode is a CloudEvents SQL expression parsed once at compile time.
type cesqlNode struct {
	expr cesql.Expression
}

// ParseCESQL parses a CloudEvents SQL expression with the sdk-go parser.
// The parser panics on some malformed input (e.g. "type = "); such a panic
// is returned as a parse error.
func ParseCESQL(expression string) (expr cesql.Expression, err error) {
	defer func() {
		if r := recover(); r != nil {
			expr, err = nil, fmt.Errorf("syntax error: incomplete or malformed expression")
		}
	}()
	expr, err = cesqlparser.Parse(expression)
	if err != nil {
		return nil, err
	}
	if expr == nil {
		return nil, fmt.Errorf("empty expression")
	}
	return expr, nil
}

func newCESQLNode(expression string) (node, error) {
	expr, err := ParseCESQL(expression)
	if err != nil {
		return nil, err
	}
	return cesqlNode{expr: expr}, nil
}

// match fails on an evaluation error (a missing attribute, a failed cast)
// and on a non-boolean result, and passes only on true.
func (n cesqlNode) match(ev *cloudevents.Event) Result {
	res, err := n.expr.Evaluate(*ev)
	if err != nil {
		return Fail
	}
	if b, ok := res.(bool); ok && b {
		return Pass
	}
	return Fail
}
