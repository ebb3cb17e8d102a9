package schedule

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	// Schedules name IANA zones; embed the database so they resolve anywhere.
	_ "time/tzdata"

	"github.com/robfig/cron/v3"

	"github.com/knsim/knsim/system/apis/autoscaling"
)

// Window is one scheduled min-scale window.
type Window struct {
	// Schedule is the cron expression of the window starts.
	Schedule string
	// Duration is how long each window lasts.
	Duration time.Duration
	// MinScale is the min-scale during the window.
	MinScale int32
	// Timezone is the IANA zone Schedule is read in ("" is UTC).
	Timezone string

	starts cron.Schedule
}

// Schedule is a parsed list of windows.
type Schedule struct {
	// Windows are the windows in annotation order.
	Windows []Window
}

type windowJSON struct {
	Schedule string `json:"schedule"`
	Duration string `json:"duration"`
	MinScale *int32 `json:"minScale"`
	Timezone string `json:"timezone,omitempty"`
}

var parser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// Parse parses the annotation value. Errors name the window and field,
// e.g. "[1].duration".
func Parse(value string) (*Schedule, error) {
	dec := json.NewDecoder(bytes.NewReader([]byte(value)))
	dec.DisallowUnknownFields()
	var raw []windowJSON
	err := dec.Decode(&raw)
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &typeErr):
		err = fmt.Errorf("found a JSON %s where %s was expected", typeErr.Value, expected(typeErr.Field))
	case err == nil && dec.More():
		err = errors.New("trailing data after the list")
	}
	if err != nil {
		return nil, fmt.Errorf("not a JSON list of {schedule, duration, minScale[, timezone]}: %w", err)
	}
	s := &Schedule{}
	for i, r := range raw {
		w, err := parseWindow(r)
		if err != nil {
			return nil, fmt.Errorf("[%d].%w", i, err)
		}
		s.Windows = append(s.Windows, w)
	}
	return s, nil
}

func expected(field string) string {
	if field == "" {
		return "a list"
	}
	return "field " + field
}

func parseWindow(r windowJSON) (Window, error) {
	w := Window{Schedule: r.Schedule, Timezone: r.Timezone}
	if strings.HasPrefix(strings.TrimSpace(r.Schedule), "@every") {
		return w, fmt.Errorf("schedule: %q: @every is not anchored to the clock, use a cron expression", r.Schedule)
	}
	if strings.Contains(r.Schedule, "TZ=") {
		return w, fmt.Errorf("schedule: %q: use the timezone field instead of a TZ= prefix", r.Schedule)
	}
	loc := time.UTC
	if r.Timezone != "" {
		l, err := time.LoadLocation(r.Timezone)
		if err != nil {
			return w, fmt.Errorf("timezone: %w", err)
		}
		loc = l
	}
	starts, err := parser.Parse(r.Schedule)
	if err != nil {
		return w, fmt.Errorf("schedule: %q: %w", r.Schedule, err)
	}
	if spec, ok := starts.(*cron.SpecSchedule); ok {
		spec.Location = loc
	}
	w.starts = starts
	d, err := time.ParseDuration(r.Duration)
	switch {
	case err != nil:
		return w, fmt.Errorf("duration: %q: want a Go duration such as 8h or 90m", r.Duration)
	case d <= 0:
		return w, fmt.Errorf("duration: %q: must be positive", r.Duration)
	}
	w.Duration = d
	switch {
	case r.MinScale == nil:
		return w, fmt.Errorf("minScale: missing")
	case *r.MinScale < 1:
		return w, fmt.Errorf("minScale: %d: must be at least 1", *r.MinScale)
	}
	w.MinScale = *r.MinScale
	return w, nil
}

// FromAnnotations parses the scheduled-min-scale annotation; ok is false
// when it is absent. Errors name the annotation.
func FromAnnotations(ann map[string]string) (s *Schedule, ok bool, err error) {
	v, ok := ann[autoscaling.ScheduledMinScaleAnnotationKey]
	if !ok {
		return nil, false, nil
	}
	s, err = Parse(v)
	if err != nil {
		sep := ": "
		if strings.HasPrefix(err.Error(), "[") {
			sep = ""
		}
		return nil, true, fmt.Errorf("%s%s%w", autoscaling.ScheduledMinScaleAnnotationKey, sep, err)
	}
	return s, true, nil
}

// start returns the start of the window active at now, if any.
func (w Window) start(now time.Time) (time.Time, bool) {
	// The first start after now-duration is the only one whose window can
	// still be open at now.
	t := w.starts.Next(now.Add(-w.Duration))
	if t.IsZero() || t.After(now) {
		return time.Time{}, false
	}
	return t, true
}

// Active reports whether the window is open at now.
func (w Window) Active(now time.Time) bool {
	_, ok := w.start(now)
	return ok
}

// MinScale is the largest minScale of the windows open at now, 0 if none.
// A nil Schedule has none.
func (s *Schedule) MinScale(now time.Time) int32 {
	if s == nil {
		return 0
	}
	var m int32
	for _, w := range s.Windows {
		if w.Active(now) {
			m = max(m, w.MinScale)
		}
	}
	return m
}

// Effective is the min-scale in force at now: the larger of base (the
// revision's min-scale) and the scheduled one.
func (s *Schedule) Effective(base int32, now time.Time) int32 {
	return max(base, s.MinScale(now))
}

// NextChange is the earliest time after now at which a window opens or
// closes (zero when there is none): when to evaluate MinScale again.
func (s *Schedule) NextChange(now time.Time) time.Time {
	if s == nil {
		return time.Time{}
	}
	var next time.Time
	consider := func(t time.Time) {
		if !t.IsZero() && t.After(now) && (next.IsZero() || t.Before(next)) {
			next = t
		}
	}
	for _, w := range s.Windows {
		consider(w.starts.Next(now))
		if start, ok := w.start(now); ok {
			consider(start.Add(w.Duration))
		}
	}
	return next
}
