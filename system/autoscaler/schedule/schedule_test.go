package schedule

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/knsim/knsim/system/apis/autoscaling"
)

// 2024-01-01 is a Monday.
func utc(day, hour, minute int) time.Time {
	return time.Date(2024, 1, day, hour, minute, 0, 0, time.UTC)
}

const workdays = `[{"schedule": "0 9 * * 1-5", "duration": "8h", "minScale": 5},
 {"schedule": "0 12 * * *", "duration": "30m", "minScale": 10}]`

func TestMinScale(t *testing.T) {
	s, err := Parse(workdays)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		now  time.Time
		want int32
	}{
		{"monday before", utc(1, 8, 59), 0},
		{"monday start", utc(1, 9, 0), 5},
		{"monday lunch overlap takes the max", utc(1, 12, 10), 10},
		{"lunch end is exclusive", utc(1, 12, 30), 5},
		{"last second", utc(1, 16, 59).Add(59 * time.Second), 5},
		{"monday end is exclusive", utc(1, 17, 0), 0},
		{"saturday lunch", utc(6, 12, 0), 10},
		{"saturday morning", utc(6, 10, 0), 0},
		{"fractional second inside", utc(2, 9, 0).Add(500 * time.Millisecond), 5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := s.MinScale(tc.now); got != tc.want {
				t.Errorf("MinScale = %d, want %d", got, tc.want)
			}
		})
	}
	if got := s.Effective(7, utc(1, 10, 0)); got != 7 {
		t.Errorf("Effective(7) = %d, want 7", got)
	}
	var none *Schedule
	if none.MinScale(utc(1, 10, 0)) != 0 || !none.NextChange(utc(1, 10, 0)).IsZero() {
		t.Error("nil schedule")
	}
}

func TestNextChange(t *testing.T) {
	s, err := Parse(workdays)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		now, want time.Time
	}{
		{utc(1, 8, 0), utc(1, 9, 0)},
		{utc(1, 9, 0), utc(1, 12, 0)},
		{utc(1, 12, 0), utc(1, 12, 30)},
		{utc(1, 13, 0), utc(1, 17, 0)},
		{utc(5, 18, 0), utc(6, 12, 0)},
	}
	for _, tc := range tests {
		if got := s.NextChange(tc.now); !got.Equal(tc.want) {
			t.Errorf("NextChange(%v) = %v, want %v", tc.now, got, tc.want)
		}
	}
}

func TestTimezone(t *testing.T) {
	s, err := Parse(`[{"schedule": "0 9 * * *", "duration": "1h", "minScale": 2, "timezone": "Asia/Shanghai"}]`)
	if err != nil {
		t.Skipf("no zoneinfo: %v", err)
	}
	// 09:00 in Shanghai is 01:00 UTC.
	if got := []int32{s.MinScale(utc(1, 1, 30)), s.MinScale(utc(1, 9, 30))}; !cmp.Equal(got, []int32{2, 0}) {
		t.Errorf("MinScale at 01:30Z, 09:30Z = %v, want [2 0]", got)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, value, want string
	}{
		{"not json", `daily`, "not a JSON list of {schedule, duration, minScale[, timezone]}: invalid character 'd' looking for beginning of value"},
		{"object", `{}`, "not a JSON list of {schedule, duration, minScale[, timezone]}: found a JSON object where a list was expected"},
		{"wrong type", `[{"schedule": "@daily", "duration": "1h", "minScale": "2"}]`, "not a JSON list of {schedule, duration, minScale[, timezone]}: found a JSON string where field minScale was expected"},
		{"trailing", `[] []`, "not a JSON list of {schedule, duration, minScale[, timezone]}: trailing data after the list"},
		{"unknown field", `[{"schedule": "@daily", "duration": "1h", "minScale": 1, "min": 2}]`, `not a JSON list of {schedule, duration, minScale[, timezone]}: json: unknown field "min"`},
		{"bad cron", `[{"schedule": "0 9 * *", "duration": "1h", "minScale": 1}]`, `[0].schedule: "0 9 * *": expected exactly 5 fields, found 4: [0 9 * *]`},
		{"every", `[{"schedule": "@every 1h", "duration": "1h", "minScale": 1}]`, `[0].schedule: "@every 1h": @every is not anchored to the clock, use a cron expression`},
		{"tz prefix", `[{"schedule": "CRON_TZ=UTC 0 9 * * *", "duration": "1h", "minScale": 1}]`, `[0].schedule: "CRON_TZ=UTC 0 9 * * *": use the timezone field instead of a TZ= prefix`},
		{"bad duration", `[{"schedule": "@daily", "duration": "1h", "minScale": 1}, {"schedule": "@daily", "duration": "8", "minScale": 1}]`, `[1].duration: "8": want a Go duration such as 8h or 90m`},
		{"zero duration", `[{"schedule": "@daily", "duration": "0s", "minScale": 1}]`, `[0].duration: "0s": must be positive`},
		{"no min scale", `[{"schedule": "@daily", "duration": "1h"}]`, `[0].minScale: missing`},
		{"min scale zero", `[{"schedule": "@daily", "duration": "1h", "minScale": 0}]`, `[0].minScale: 0: must be at least 1`},
		{"bad zone", `[{"schedule": "@daily", "duration": "1h", "minScale": 1, "timezone": "Mars/Base"}]`, `[0].timezone: unknown time zone Mars/Base`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(tc.value)
			if err == nil {
				t.Fatal("no error")
			}
			if diff := cmp.Diff(tc.want, err.Error()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestFromAnnotations(t *testing.T) {
	if _, ok, err := FromAnnotations(nil); ok || err != nil {
		t.Errorf("absent: ok %v err %v", ok, err)
	}
	key := autoscaling.ScheduledMinScaleAnnotationKey
	s, ok, err := FromAnnotations(map[string]string{key: `[{"schedule": "@hourly", "duration": "10m", "minScale": 3}]`})
	if !ok || err != nil || len(s.Windows) != 1 || s.Windows[0].MinScale != 3 || s.Windows[0].Duration != 10*time.Minute {
		t.Errorf("got %+v %v %v", s, ok, err)
	}
	_, _, err = FromAnnotations(map[string]string{key: `[{"schedule": "@hourly", "duration": "10m", "minScale": 0}]`})
	if want := key + "[0].minScale: 0: must be at least 1"; err == nil || err.Error() != want {
		t.Errorf("error %v, want %q", err, want)
	}
	_, _, err = FromAnnotations(map[string]string{key: `{}`})
	if want := key + ": not a JSON list"; err == nil || len(err.Error()) < len(want) || err.Error()[:len(want)] != want {
		t.Errorf("error %v, want prefix %q", err, want)
	}
}
