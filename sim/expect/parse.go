package expect

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Expr is a parsed expectation.
type Expr struct {
	src  string
	root node
}

// node is a boolean expression.
type node interface {
	// eval evaluates the node; neg is true under an odd number of "!", so a
	// comparison can say what value was wanted.
	eval(r Results, neg bool, obs *[]string) (bool, error)
	refs(add func(Ref))
}

type logical struct {
	and  bool // && when true, || otherwise
	l, r node
}

type not struct{ x node }

// comparison is operand op operand, at least one side a metric.
type comparison struct {
	op   string
	l, r operand
}

// operand is a metric reference or a literal.
type operand struct {
	ref    *Ref   // set for a metric
	kind   Kind   // the value's kind
	lit    Value  // a literal's value
	text   string // the literal as written, or the reference's canonical form
	pct    bool   // the literal was a percentage
	anyDur bool   // the literal 0, which may stand for a duration
	pos    int    // byte offset in the source
}

// MaxLength is the longest expectation Parse accepts, in bytes; MaxDepth
// is how deeply "!" and parentheses may nest. Expectations are one-line
// checks; the limits keep a hostile scenario from making Parse (and the
// evaluation's recursion) take long or use much memory.
const (
	MaxLength = 10_000
	MaxDepth  = 100
)

// Parse parses one expectation. Errors are *SyntaxError values giving the
// line and column. It takes time linear in the length of src, which must be
// at most MaxLength bytes with "!" and parentheses nested at most MaxDepth
// deep.
func Parse(src string) (e *Expr, err error) {
	defer func() {
		if r := recover(); r != nil {
			se, ok := r.(*SyntaxError)
			if !ok {
				panic(r)
			}
			e, err = nil, se
		}
	}()
	p := &parser{lex: lexer{src: src}}
	if len(src) > MaxLength {
		p.lex.errAt(MaxLength, "the expectation is %d bytes long; at most %d are allowed", len(src), MaxLength)
	}
	p.advance()
	if p.tok.kind == tEOF {
		p.lex.errAt(p.tok.pos, "empty expression")
	}
	root := p.or()
	if p.tok.kind != tEOF {
		switch p.tok.kind {
		case tRParen:
			p.lex.errAt(p.tok.pos, `unexpected ")" with no matching "("`)
		case tCompare:
			p.lex.errAt(p.tok.pos, "comparisons do not chain; write a < b && b < c")
		}
		p.wordOperator()
		p.lex.errAt(p.tok.pos, "expected && or || before %s", p.tok.describe())
	}
	return &Expr{src: strings.TrimSpace(src), root: root}, nil
}

// MustParse is Parse for expressions known to be valid; it panics on error.
func MustParse(src string) *Expr {
	e, err := Parse(src)
	if err != nil {
		panic(fmt.Sprintf("expect.MustParse(%q): %v", src, err))
	}
	return e
}

// String returns the expression as written, without surrounding space.
func (e *Expr) String() string { return e.src }

// MarshalText writes the expression as written.
func (e *Expr) MarshalText() ([]byte, error) { return []byte(e.src), nil }

// UnmarshalText parses an expression.
func (e *Expr) UnmarshalText(b []byte) error {
	x, err := Parse(string(b))
	if err != nil {
		return err
	}
	*e = *x
	return nil
}

// Refs lists the metric references of e in order of appearance, without
// repeats.
func (e *Expr) Refs() []Ref {
	var out []Ref
	seen := map[string]bool{}
	e.root.refs(func(r Ref) {
		if k := r.String(); !seen[k] {
			seen[k] = true
			out = append(out, r)
		}
	})
	return out
}

func (n *logical) refs(add func(Ref))    { n.l.refs(add); n.r.refs(add) }
func (n *not) refs(add func(Ref))        { n.x.refs(add) }
func (n *comparison) refs(add func(Ref)) { n.l.addRef(add); n.r.addRef(add) }

func (o operand) addRef(add func(Ref)) {
	if o.ref != nil {
		add(*o.ref)
	}
}

type parser struct {
	lex   lexer
	tok   token
	depth int // nesting of "!" and "(" at the current token
}

func (p *parser) advance() { p.tok = p.lex.next() }

func (p *parser) or() node {
	n := p.and()
	for p.tok.kind == tOr {
		p.advance()
		n = &logical{and: false, l: n, r: p.and()}
	}
	return n
}

func (p *parser) and() node {
	n := p.unary()
	for p.tok.kind == tAnd {
		p.advance()
		n = &logical{and: true, l: n, r: p.unary()}
	}
	return n
}

func (p *parser) unary() node {
	if k := p.tok.kind; k == tNot || k == tLParen {
		if p.depth++; p.depth > MaxDepth {
			p.lex.errAt(p.tok.pos, "\"!\" and \"(\" nest more than %d deep", MaxDepth)
		}
		defer func() { p.depth-- }()
	}
	switch p.tok.kind {
	case tNot:
		p.advance()
		return &not{x: p.unary()}
	case tLParen:
		open := p.tok.pos
		p.advance()
		n := p.or()
		if p.tok.kind != tRParen {
			if p.tok.kind == tEOF {
				p.lex.errAt(open, `missing ")" to close this "("`)
			}
			p.wordOperator()
			p.lex.errAt(p.tok.pos, `expected ")", &&, or || but found %s`, p.tok.describe())
		}
		p.advance()
		return n
	}
	return p.comparison()
}

func (p *parser) comparison() node {
	l := p.operand("an expectation such as pods.max <= 3")
	if p.tok.kind != tCompare {
		p.wordOperator()
		p.lex.errAt(p.tok.pos, "expected a comparison (<, <=, >, >=, ==, !=) after %s, found %s", l.text, p.tok.describe())
	}
	op := p.tok
	p.advance()
	r := p.operand(fmt.Sprintf("a number, duration or metric after %q", op.text))
	if l.ref == nil && r.ref == nil {
		p.lex.errAt(op.pos, "%s %s %s compares two literals; one side must be a metric", l.text, op.text, r.text)
	}
	checkKinds(p, l, r, op)
	return &comparison{op: op.text, l: l, r: r}
}

// wordOperator rejects and, or and not written as words.
func (p *parser) wordOperator() {
	if t := p.tok; t.kind == tName && (t.text == "and" || t.text == "or" || t.text == "not") {
		p.lex.errAt(t.pos, "unknown operator %q; write &&, || or !", t.text)
	}
}

// checkKinds rejects comparing a duration with a number.
func checkKinds(p *parser, l, r operand, op token) {
	if l.kind == r.kind || l.anyDur || r.anyDur {
		return
	}
	m, lit := l, r
	if l.ref == nil {
		m, lit = r, l
	}
	if lit.ref != nil {
		p.lex.errAt(l.pos, "cannot compare %s (a %s) with %s (a %s)", l.text, l.kind, r.text, r.kind)
	}
	if m.kind == DurationKind {
		p.lex.errAt(lit.pos, "%s is a duration; compare it with a duration such as 250ms, not %s", m.text, lit.text)
	}
	p.lex.errAt(lit.pos, "%s is a number, not a duration; compare it with a number, not %s", m.text, lit.text)
}

// operand parses a literal or a (scoped) metric; want describes what was
// expected, for errors.
func (p *parser) operand(want string) operand {
	t := p.tok
	switch t.kind {
	case tNumber, tPercent:
		p.advance()
		return operand{kind: NumberKind, lit: Value{Number: t.num}, text: t.text, pct: t.kind == tPercent,
			anyDur: t.kind == tNumber && t.num == 0, pos: t.pos}
	case tDuration:
		p.advance()
		return operand{kind: DurationKind, lit: Value{Number: t.num, Duration: true}, text: t.text, pos: t.pos}
	case tName:
		return p.metric()
	}
	p.lex.errAt(t.pos, "expected %s, found %s", want, t.describe())
	return operand{}
}

var dnsLabel = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)

// metric parses { scope "." } name.
func (p *parser) metric() operand {
	ref := Ref{}
	start := p.tok.pos
	for {
		t := p.tok
		p.advance()
		if p.tok.kind != tLParen {
			p.metricName(t, &ref)
			break
		}
		open := p.tok.pos
		arg, argPos := p.lex.rawArg(t.text, open)
		switch t.text {
		case "at":
			if ref.Scope.At != nil {
				p.lex.errAt(t.pos, "at() appears twice")
			}
			d, err := parseDuration(arg)
			if err != nil || d < 0 {
				p.lex.errAt(argPos, "at() takes a duration from the start of the run such as 45s, found %q", arg)
			}
			ref.Scope.At = &d
		case "service":
			p.nameScope(t, arg, argPos, "a Knative Service", &ref.Scope.Service)
		case "revision":
			p.nameScope(t, arg, argPos, "a Revision", &ref.Scope.Revision)
		default:
			p.lex.errAt(t.pos, "unknown scope %s(); scopes are at(duration), service(name) and revision(name)", t.text)
		}
		p.advance()
		if p.tok.kind != tDot {
			p.lex.errAt(p.tok.pos, "expected \".\" and a metric name after %s(...), found %s", t.text, p.tok.describe())
		}
		p.advance()
		if p.tok.kind != tName {
			p.lex.errAt(p.tok.pos, "expected a metric name, found %s", p.tok.describe())
		}
	}
	m, _ := LookupMetric(ref.Metric)
	return operand{ref: &ref, kind: m.Kind, text: ref.String(), pos: start}
}

// nameScope checks the argument of a scope naming an object (service(),
// revision()) and stores it in *dst.
func (p *parser) nameScope(t token, arg string, argPos int, what string, dst *string) {
	if *dst != "" {
		p.lex.errAt(t.pos, "%s() appears twice", t.text)
	}
	if !validService(arg) {
		p.lex.errAt(argPos, "%s() takes %s name or namespace/name (lowercase DNS labels), found %q", t.text, what, arg)
	}
	*dst = arg
}

// metricName checks a metric name token and stores it in ref.
func (p *parser) metricName(t token, ref *Ref) {
	if t.text == "and" || t.text == "or" || t.text == "not" {
		p.lex.errAt(t.pos, "unknown operator %q; write &&, || or !", t.text)
	}
	if _, ok := LookupMetric(t.text); !ok {
		if s := suggestMetric(t.text); s != "" {
			p.lex.errAt(t.pos, "unknown metric %q (did you mean %q?)", t.text, s)
		}
		p.lex.errAt(t.pos, "unknown metric %q (see expect.KnownMetrics)", t.text)
	}
	ref.Metric = t.text
}

func validService(s string) bool {
	ns, name, found := strings.Cut(s, "/")
	if !found {
		name = ns
	} else if !dnsLabel.MatchString(ns) || len(ns) > 63 {
		return false
	}
	return dnsLabel.MatchString(name) && len(name) <= 63
}

// FormatDuration writes d as Go does, without trailing zero units: "24h",
// "2m", "1m30s" (as scenario files and expectations write durations).
func FormatDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
