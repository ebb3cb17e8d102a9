package resources

import (
	"time"

	"github.com/robfig/cron/v3"
)

// Status annotations of a PingSource.
const (
	// ScheduledFromAnnotation is when the controller first armed the
	// schedule; fire times are counted from it until the first fire.
	ScheduledFromAnnotation = "sources.knsim.dev/scheduledFrom"
	// LastFireAnnotation is the last instant the source fired at.
	LastFireAnnotation = "sources.knsim.dev/lastFireTime"
)

// Due returns the latest fire time of sched in (from, now], if any, and
// the first fire time after it (or after from when nothing is due): the
// next instant to wake up at (zero for a schedule that never fires again).
// After an outage only the latest missed instant is due, as a cron daemon
// would do.
func Due(sched cron.Schedule, from, now time.Time) (due time.Time, ok bool, next time.Time) {
	next = sched.Next(from)
	for !next.IsZero() && !next.After(now) {
		due, ok = next, true
		next = sched.Next(next)
	}
	return due, ok, next
}

// ParseTime reads an RFC 3339 annotation value; a missing or bad value is
// the zero time.
func ParseTime(v string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}
	}
	return t
}

// FormatTime writes t as an annotation value, in UTC.
func FormatTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// Later returns the later of a and b.
func Later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
