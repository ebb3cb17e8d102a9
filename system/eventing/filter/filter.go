package filter

import (
	"fmt"

	cloudevents "github.com/cloudevents/sdk-go/v2"

	eventingv1 "github.com/knsim/knsim/system/apis/eventing/v1"
)

// Result is the outcome of matching one event.
type Result int

const (
	// NoFilter means nothing was checked: the event is delivered.
	NoFilter Result = iota
	// Pass means the event matched.
	Pass
	// Fail means the event did not match and is not delivered.
	Fail
)

// String returns "NoFilter", "Pass" or "Fail".
func (r Result) String() string {
	switch r {
	case Pass:
		return "Pass"
	case Fail:
		return "Fail"
	default:
		return "NoFilter"
	}
}

// Delivers reports whether an event with this result goes to the
// subscriber: everything but Fail does.
func (r Result) Delivers() bool { return r != Fail }

// And combines two results as a conjunction; NoFilter is neutral.
func (r Result) And(o Result) Result {
	switch {
	case r == NoFilter:
		return o
	case o == NoFilter:
		return r
	case r == Pass && o == Pass:
		return Pass
	default:
		return Fail
	}
}

// Or combines two results as a disjunction; NoFilter is neutral.
func (r Result) Or(o Result) Result {
	switch {
	case r == NoFilter:
		return o
	case o == NoFilter:
		return r
	case r == Pass || o == Pass:
		return Pass
	default:
		return Fail
	}
}

// Not inverts Pass and Fail and keeps NoFilter.
func (r Result) Not() Result {
	switch r {
	case Pass:
		return Fail
	case Fail:
		return Pass
	default:
		return NoFilter
	}
}

// node is one compiled filter expression.
type node interface {
	match(ev *cloudevents.Event) Result
}

// Filter is a compiled trigger filter. The zero value and nil match
// everything with NoFilter. A Filter is immutable and safe for concurrent use.
type Filter struct {
	root node
}

// Match evaluates the filter against ev.
func (f *Filter) Match(ev cloudevents.Event) Result {
	return f.MatchPtr(&ev)
}

// MatchPtr is Match without copying the event; ev is not modified.
func (f *Filter) MatchPtr(ev *cloudevents.Event) Result {
	switch {
	case f == nil || f.root == nil:
		return NoFilter
	case ev == nil || ev.Context == nil:
		return Fail
	default:
		return f.root.match(ev)
	}
}

// Compile builds the Filter for a Trigger's spec.filter and spec.filters:
// filters, when non-empty, are ANDed and win over filter; otherwise
// filter.attributes is used; with neither the result always is NoFilter.
// It fails only on a CESQL expression that does not parse (which Validate
// rejects at admission).
func Compile(attrs *eventingv1.TriggerFilter, filters []eventingv1.SubscriptionsAPIFilter) (*Filter, error) {
	switch {
	case len(filters) > 0:
		n, err := compileList(filters, "filters")
		if err != nil {
			return nil, err
		}
		return &Filter{root: allNode(n)}, nil
	case attrs != nil:
		if attrs.Attributes == nil {
			return &Filter{}, nil
		}
		return &Filter{root: newAttributesNode(attrs.Attributes)}, nil
	default:
		return &Filter{}, nil
	}
}

// ForTrigger is Compile on a Trigger's spec.
func ForTrigger(spec *eventingv1.TriggerSpec) (*Filter, error) {
	if spec == nil {
		return &Filter{}, nil
	}
	return Compile(spec.Filter, spec.Filters)
}

// compileList compiles every item of a filters list; path names the list in
// errors.
func compileList(items []eventingv1.SubscriptionsAPIFilter, path string) ([]node, error) {
	out := make([]node, 0, len(items))
	for i := range items {
		n, err := compileItem(&items[i], fmt.Sprintf("%s[%d]", path, i))
		if err != nil {
			return nil, err
		}
		if n != nil {
			out = append(out, n)
		}
	}
	return out, nil
}

// compileItem compiles one SubscriptionsAPIFilter, picking the first set
// dialect in Knative's order (exact, prefix, suffix, all, any, not, cesql).
// It returns nil for an item Knative would skip.
func compileItem(f *eventingv1.SubscriptionsAPIFilter, path string) (node, error) {
	switch {
	case len(f.Exact) > 0:
		return newMapNode(exactOp, f.Exact), nil
	case len(f.Prefix) > 0:
		return newMapNode(prefixOp, f.Prefix), nil
	case len(f.Suffix) > 0:
		return newMapNode(suffixOp, f.Suffix), nil
	case len(f.All) > 0:
		n, err := compileList(f.All, path+".all")
		if err != nil {
			return nil, err
		}
		return allNode(n), nil
	case len(f.Any) > 0:
		n, err := compileList(f.Any, path+".any")
		if err != nil {
			return nil, err
		}
		return anyNode(n), nil
	case f.Not != nil:
		n, err := compileItem(f.Not, path+".not")
		if err != nil {
			return nil, err
		}
		return notNode{n}, nil
	case f.CESQL != "":
		n, err := newCESQLNode(f.CESQL)
		if err != nil {
			return nil, fmt.Errorf("%s.cesql: %w", path, err)
		}
		return n, nil
	default:
		return nil, nil
	}
}
