package delivery

import (
	"fmt"
	"math"
	"time"
)

// unit lengths of the ISO-8601 designators knsim accepts, in nanoseconds.
// Each is a whole number of seconds, which keeps fractions exact.
const (
	week   = 7 * day
	day    = 24 * time.Hour
	hour   = time.Hour
	minute = time.Minute
	second = time.Second
)

// ParseDuration parses an ISO-8601 duration such as PT0.2S, PT1M30S, P1D,
// P1DT12H or P2W: "P", then optionally weeks (W) and days (D), then
// optionally "T" and hours (H), minutes (M) and seconds (S), each a
// non-negative decimal number ("." or "," before a fraction of up to nine
// digits), in that order, at least one present. Years and months are
// refused because they have no fixed length; so are negative durations.
func ParseDuration(s string) (time.Duration, error) {
	p := durationParser{in: s}
	d, err := p.parse()
	if err != nil {
		return 0, fmt.Errorf("invalid ISO-8601 duration %q: %s", s, err)
	}
	return d, nil
}

// durationParser walks the input once.
type durationParser struct {
	in  string
	pos int
}

func (p *durationParser) parse() (time.Duration, error) {
	if p.in == "" {
		return 0, fmt.Errorf("empty")
	}
	if p.in[0] == '-' {
		return 0, fmt.Errorf("negative durations are not allowed")
	}
	if p.in[0] != 'P' {
		return 0, fmt.Errorf(`must start with "P"`)
	}
	p.pos = 1
	var total time.Duration
	components := 0
	inTime := false
	// order is the rank of the last designator seen, to enforce W D T H M S.
	order := 0
	for p.pos < len(p.in) {
		if p.in[p.pos] == 'T' {
			if inTime {
				return 0, fmt.Errorf(`"T" appears twice`)
			}
			inTime = true
			p.pos++
			if p.pos == len(p.in) {
				return 0, fmt.Errorf(`"T" must be followed by hours, minutes or seconds`)
			}
			continue
		}
		whole, frac, digits, err := p.number()
		if err != nil {
			return 0, err
		}
		if p.pos == len(p.in) {
			return 0, fmt.Errorf("number at offset %d has no designator", p.pos)
		}
		des := p.in[p.pos]
		p.pos++
		unit, rank, err := designator(des, inTime)
		if err != nil {
			return 0, err
		}
		if rank <= order {
			return 0, fmt.Errorf("designator %q out of order (want W, D, T, H, M, S)", des)
		}
		order = rank
		v, err := scale(whole, frac, digits, unit)
		if err != nil {
			return 0, err
		}
		if total > math.MaxInt64-v {
			return 0, fmt.Errorf("too long")
		}
		total += v
		components++
	}
	if components == 0 {
		return 0, fmt.Errorf("no components")
	}
	return total, nil
}

// number reads digits with an optional fraction; frac holds the first nine
// fraction digits and digits how many of them there are.
func (p *durationParser) number() (whole, frac uint64, digits int, err error) {
	start := p.pos
	for p.pos < len(p.in) && isDigit(p.in[p.pos]) {
		d := uint64(p.in[p.pos] - '0')
		if whole > (math.MaxUint64-d)/10 {
			return 0, 0, 0, fmt.Errorf("number too large")
		}
		whole = whole*10 + d
		p.pos++
	}
	intDigits := p.pos - start
	if p.pos < len(p.in) && (p.in[p.pos] == '.' || p.in[p.pos] == ',') {
		p.pos++
		fracStart := p.pos
		for p.pos < len(p.in) && isDigit(p.in[p.pos]) {
			if digits < 9 {
				frac = frac*10 + uint64(p.in[p.pos]-'0')
				digits++
			}
			p.pos++
		}
		if p.pos == fracStart {
			return 0, 0, 0, fmt.Errorf("missing digits after the decimal sign at offset %d", fracStart)
		}
	}
	if intDigits == 0 && digits == 0 {
		if p.pos < len(p.in) {
			return 0, 0, 0, fmt.Errorf("unexpected %q at offset %d", p.in[p.pos], p.pos)
		}
		return 0, 0, 0, fmt.Errorf("missing number at offset %d", p.pos)
	}
	return whole, frac, digits, nil
}

// designator maps a designator to its unit and rank (W=1 D=2 H=3 M=4 S=5).
func designator(c byte, inTime bool) (time.Duration, int, error) {
	switch {
	case !inTime && c == 'W':
		return week, 1, nil
	case !inTime && c == 'D':
		return day, 2, nil
	case !inTime && (c == 'Y' || c == 'M'):
		return 0, 0, fmt.Errorf("years and months have no fixed length; use weeks or days")
	case inTime && c == 'H':
		return hour, 3, nil
	case inTime && c == 'M':
		return minute, 4, nil
	case inTime && c == 'S':
		return second, 5, nil
	case !inTime && (c == 'H' || c == 'S'):
		return 0, 0, fmt.Errorf(`designator %q must follow "T"`, c)
	default:
		return 0, 0, fmt.Errorf("unknown designator %q", c)
	}
}

// scale returns (whole + frac/10^digits) * unit, exactly.
func scale(whole, frac uint64, digits int, unit time.Duration) (time.Duration, error) {
	if whole > uint64(math.MaxInt64/int64(unit)) {
		return 0, fmt.Errorf("too long")
	}
	v := time.Duration(whole) * unit
	if digits > 0 {
		pow := time.Duration(1)
		for range digits {
			pow *= 10
		}
		// unit is a whole number of seconds, so unit/pow is exact for pow <= 1e9.
		f := time.Duration(frac) * (unit / pow)
		if v > math.MaxInt64-f {
			return 0, fmt.Errorf("too long")
		}
		v += f
	}
	return v, nil
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// FormatDuration renders d as an ISO-8601 duration that ParseDuration reads
// back, e.g. PT0.2S or PT1M30S; zero is PT0S.
func FormatDuration(d time.Duration) string {
	if d <= 0 {
		return "PT0S"
	}
	out := "PT"
	if h := d / time.Hour; h > 0 {
		out += fmt.Sprintf("%dH", h)
		d -= h * time.Hour
	}
	if m := d / time.Minute; m > 0 {
		out += fmt.Sprintf("%dM", m)
		d -= m * time.Minute
	}
	if d > 0 {
		s := d / time.Second
		ns := d % time.Second
		if ns == 0 {
			out += fmt.Sprintf("%dS", s)
		} else {
			frac := fmt.Sprintf("%09d", ns)
			for frac[len(frac)-1] == '0' {
				frac = frac[:len(frac)-1]
			}
			out += fmt.Sprintf("%d.%sS", s, frac)
		}
	}
	return out
}
