package delivery

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in      string
		want    time.Duration
		wantErr string // substring of the error; "" for success
	}{
		{in: "PT0.2S", want: 200 * time.Millisecond},
		{in: "PT0,5S", want: 500 * time.Millisecond},
		{in: "PT1S", want: time.Second},
		{in: "PT0S", want: 0},
		{in: "PT10M", want: 10 * time.Minute},
		{in: "PT1M30S", want: 90 * time.Second},
		{in: "PT1H", want: time.Hour},
		{in: "PT1H2M3.5S", want: time.Hour + 2*time.Minute + 3500*time.Millisecond},
		{in: "PT0.000000001S", want: time.Nanosecond},
		{in: "PT0.1234567899S", want: 123456789 * time.Nanosecond},
		{in: "PT1.5H", want: 90 * time.Minute},
		{in: "PT0.5M", want: 30 * time.Second},
		{in: "P1D", want: 24 * time.Hour},
		{in: "P1DT12H", want: 36 * time.Hour},
		{in: "P0.5D", want: 12 * time.Hour},
		{in: "P2W", want: 14 * 24 * time.Hour},
		{in: "P1W1DT1S", want: 8*24*time.Hour + time.Second},
		{in: "PT100000H", want: 100000 * time.Hour},
		{in: "", wantErr: "empty"},
		{in: "0.2S", wantErr: `must start with "P"`},
		{in: "-PT1S", wantErr: "negative"},
		{in: "P", wantErr: "no components"},
		{in: "PT", wantErr: `"T" must be followed`},
		{in: "P1DT", wantErr: `"T" must be followed`},
		{in: "P1Y", wantErr: "years and months"},
		{in: "P1M", wantErr: "years and months"},
		{in: "P1H", wantErr: `must follow "T"`},
		{in: "PT1D", wantErr: `unknown designator 'D'`},
		{in: "PT1S1M", wantErr: "out of order"},
		{in: "PT1M1M", wantErr: "out of order"},
		{in: "P1D1W", wantErr: "out of order"},
		{in: "PT1", wantErr: "no designator"},
		{in: "PT.S", wantErr: "missing digits"},
		{in: "PT1.S", wantErr: "missing digits"},
		{in: "PTS", wantErr: "unexpected 'S'"},
		{in: "PT1X", wantErr: "unknown designator 'X'"},
		{in: "PTT1S", wantErr: `"T" appears twice`},
		{in: "PT99999999999999999999S", wantErr: "number too large"},
		{in: "PT9999999999999S", wantErr: "too long"},
		{in: "P9999999W", wantErr: "too long"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseDuration(tc.in)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("ParseDuration(%q) = %v, %v; want error containing %q", tc.in, got, err, tc.wantErr)
				}
				if !strings.Contains(err.Error(), `invalid ISO-8601 duration "`+tc.in+`"`) {
					t.Errorf("error %q should quote the input", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseDuration(%q): %v", tc.in, err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("ParseDuration(%q) (-want +got):\n%s", tc.in, diff)
			}
		})
	}
}

func TestFormatDurationRoundTrip(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{0, "PT0S"},
		{200 * time.Millisecond, "PT0.2S"},
		{90 * time.Second, "PT1M30S"},
		{26*time.Hour + time.Nanosecond, "PT26H0.000000001S"},
		{time.Hour, "PT1H"},
	}
	for _, tc := range tests {
		t.Run(tc.want, func(t *testing.T) {
			got := FormatDuration(tc.d)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("FormatDuration (-want +got):\n%s", diff)
			}
			back, err := ParseDuration(got)
			if err != nil || back != tc.d {
				t.Errorf("round trip: %v, %v", back, err)
			}
		})
	}
}
