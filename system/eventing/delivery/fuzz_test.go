package delivery

import (
	"testing"
	"time"
)

// FuzzParseDuration: no input panics or yields a negative duration, and
// whatever parses is rendered by FormatDuration into text that parses back
// to the same duration.
func FuzzParseDuration(f *testing.F) {
	for _, s := range []string{"PT0.2S", "PT1M30S", "P1D", "P1DT12H", "P2W", "PT0,5S", "P1W2DT3H4M5.123456789S",
		"", "P", "PT", "-PT1S", "P1Y", "PT1D", "P1S", "PT1.S", "PT.5S", "PT9223372036S", "PT99999999999999999999S", "P1DT1H1H"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDuration(s)
		if err != nil {
			return
		}
		if d < 0 {
			t.Fatalf("ParseDuration(%q) = %v, negative", s, d)
		}
		text := FormatDuration(d)
		back, err := ParseDuration(text)
		if err != nil {
			t.Fatalf("ParseDuration(%q) = %v, but its rendering %q does not parse: %v", s, d, text, err)
		}
		if back != d {
			t.Fatalf("ParseDuration(%q) = %v, rendered %q, parsed back as %v", s, d, text, back)
		}
	})
}

// FuzzFormatDuration: every non-negative duration renders into text that
// parses back to it.
func FuzzFormatDuration(f *testing.F) {
	for _, d := range []int64{0, 1, int64(200 * time.Millisecond), int64(90 * time.Second), int64(36 * time.Hour), 1<<63 - 1} {
		f.Add(d)
	}
	f.Fuzz(func(t *testing.T, n int64) {
		if n < 0 {
			n = -(n + 1) // every non-negative value is reachable
		}
		d := time.Duration(n)
		text := FormatDuration(d)
		back, err := ParseDuration(text)
		if err != nil || back != d {
			t.Fatalf("FormatDuration(%v) = %q, parsed back as %v, %v", d, text, back, err)
		}
	})
}
