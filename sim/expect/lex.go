package expect

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// SyntaxError is a problem Parse found, at a 1-based line and column (in
// characters) of the expression.
type SyntaxError struct {
	// Line and Col locate the problem, 1-based; Col counts characters.
	Line, Col int
	// Msg says what is wrong, without the position.
	Msg string
}

// Error formats the error as "line:col: message".
func (e *SyntaxError) Error() string { return fmt.Sprintf("%d:%d: %s", e.Line, e.Col, e.Msg) }

type tokKind int

const (
	tEOF      tokKind = iota
	tName             // a word or dotted metric name
	tNumber           // 12, 0.5, -3
	tDuration         // 250ms, 1m30s
	tPercent          // 99%
	tCompare          // < <= > >= == !=
	tAnd              // &&
	tOr               // ||
	tNot              // !
	tLParen           // (
	tRParen           // )
	tDot              // .
)

// token is one lexeme; pos is its byte offset in the source.
type token struct {
	kind tokKind
	text string
	pos  int
	num  float64 // tNumber and tPercent: the value; tDuration: seconds
}

// describe names t for error messages.
func (t token) describe() string {
	if t.kind == tEOF {
		return "end of expression"
	}
	return strconv.Quote(t.text)
}

// lexer hands out tokens on demand; the parser reads scope arguments raw.
type lexer struct {
	src string
	pos int
	// bangEnd ends the run of "!"s last scanned: each "!" before it is a
	// tNot without scanning the run again, so a long run is linear.
	bangEnd int
}

// errAt aborts parsing with a SyntaxError at byte offset pos.
func (l *lexer) errAt(pos int, format string, args ...any) {
	line, col := 1, 1
	for _, r := range l.src[:min(pos, len(l.src))] {
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	panic(&SyntaxError{Line: line, Col: col, Msg: fmt.Sprintf(format, args...)})
}

func (l *lexer) skipSpace() {
	for l.pos < len(l.src) && strings.IndexByte(" \t\r\n", l.src[l.pos]) >= 0 {
		l.pos++
	}
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isWordByte(c byte) bool {
	return c == '_' || isDigit(c) || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

const opChars = "<>=!&|"

var ops = map[string]tokKind{
	"<": tCompare, "<=": tCompare, ">": tCompare, ">=": tCompare, "==": tCompare, "!=": tCompare,
	"&&": tAnd, "||": tOr, "!": tNot,
}

// next scans the next token.
func (l *lexer) next() token {
	l.skipSpace()
	start := l.pos
	if l.pos >= len(l.src) {
		return token{kind: tEOF, pos: start}
	}
	c := l.src[l.pos]
	switch {
	case c == '(':
		l.pos++
		return token{kind: tLParen, text: "(", pos: start}
	case c == ')':
		l.pos++
		return token{kind: tRParen, text: ")", pos: start}
	case c == '.' && !(l.pos+1 < len(l.src) && isDigit(l.src[l.pos+1])):
		l.pos++
		return token{kind: tDot, text: ".", pos: start}
	case strings.IndexByte(opChars, c) >= 0:
		return l.operator()
	case isDigit(c) || c == '.' || c == '-':
		return l.literal()
	case isWordByte(c):
		return l.name()
	}
	r, _ := utf8.DecodeRuneInString(l.src[l.pos:])
	l.errAt(start, "unexpected character %q", r)
	return token{}
}

// operator scans a run of operator characters. A known operator followed by
// "!"s (as in a&&!b) splits; any other unknown run is an error.
func (l *lexer) operator() token {
	start := l.pos
	if start < l.bangEnd {
		l.pos = start + 1
		return token{kind: tNot, text: "!", pos: start}
	}
	for l.pos < len(l.src) && strings.IndexByte(opChars, l.src[l.pos]) >= 0 {
		l.pos++
	}
	run := l.src[start:l.pos]
	if k, ok := ops[run]; ok {
		return token{kind: k, text: run, pos: start}
	}
	if strings.Trim(run, "!") == "" { // !!x
		l.bangEnd = l.pos
		l.pos = start + 1
		return token{kind: tNot, text: "!", pos: start}
	}
	if head := strings.TrimRight(run, "!"); head != run {
		if k, ok := ops[head]; ok {
			l.pos = start + len(head)
			return token{kind: k, text: head, pos: start}
		}
	}
	switch run {
	case "=":
		l.errAt(start, `unknown operator "="; did you mean "=="?`)
	case "&":
		l.errAt(start, `unknown operator "&"; did you mean "&&"?`)
	case "|":
		l.errAt(start, `unknown operator "|"; did you mean "||"?`)
	case "=>":
		l.errAt(start, `unknown operator "=>"; did you mean ">="?`)
	case "=<":
		l.errAt(start, `unknown operator "=<"; did you mean "<="?`)
	case "<>":
		l.errAt(start, `unknown operator "<>"; did you mean "!="?`)
	}
	l.errAt(start, "unknown operator %q", run)
	return token{}
}

// literal scans a number, a percentage or a duration.
func (l *lexer) literal() token {
	start := l.pos
	if l.src[l.pos] == '-' {
		l.pos++
	}
	digits := l.pos
	for l.pos < len(l.src) && (isDigit(l.src[l.pos]) || l.src[l.pos] == '.') {
		l.pos++
	}
	if l.pos == digits || strings.Count(l.src[digits:l.pos], ".") > 1 || l.src[digits:l.pos] == "." {
		l.errAt(start, "malformed number %q", l.src[start:max(l.pos, start+1)])
	}
	number := l.src[start:l.pos]
	if l.pos < len(l.src) && l.src[l.pos] == '%' {
		l.pos++
		v, _ := strconv.ParseFloat(number, 64)
		return token{kind: tPercent, text: l.src[start:l.pos], pos: start, num: v / 100}
	}
	if l.pos < len(l.src) && (isWordByte(l.src[l.pos]) || strings.HasPrefix(l.src[l.pos:], "µ")) {
		for l.pos < len(l.src) && (isWordByte(l.src[l.pos]) || l.src[l.pos] == '.' || strings.HasPrefix(l.src[l.pos:], "µ")) {
			_, n := utf8.DecodeRuneInString(l.src[l.pos:])
			l.pos += n
		}
		text := l.src[start:l.pos]
		d, err := parseDuration(text)
		if err != nil {
			l.errAt(start, "%v", err)
		}
		return token{kind: tDuration, text: text, pos: start, num: d.Seconds()}
	}
	v, err := strconv.ParseFloat(number, 64)
	if err != nil {
		l.errAt(start, "malformed number %q", number)
	}
	return token{kind: tNumber, text: number, pos: start, num: v}
}

// parseDuration parses a Go duration with a friendlier error.
func parseDuration(s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("invalid duration %q (write e.g. 250ms, 1.5s, 2m or 1h30m; units ns, us, ms, s, m, h)", s)
	}
	return d, nil
}

// name scans a word or a dotted metric name such as status.503.
func (l *lexer) name() token {
	start := l.pos
	for l.pos < len(l.src) {
		c := l.src[l.pos]
		if isWordByte(c) {
			l.pos++
			continue
		}
		if c == '.' && l.pos+1 < len(l.src) && isWordByte(l.src[l.pos+1]) && l.pos > start {
			l.pos++
			continue
		}
		break
	}
	return token{kind: tName, text: l.src[start:l.pos], pos: start}
}

// rawArg reads a scope's argument up to the closing parenthesis, which it
// consumes; it returns the trimmed text and its offset.
func (l *lexer) rawArg(scope string, open int) (string, int) {
	end := strings.IndexByte(l.src[l.pos:], ')')
	if end < 0 {
		l.errAt(open, `missing ")" after %s(`, scope)
	}
	raw := l.src[l.pos : l.pos+end]
	pos := l.pos + len(raw) - len(strings.TrimLeft(raw, " \t"))
	l.pos += end + 1
	return strings.TrimSpace(raw), pos
}
