// Package schedule implements scheduled min-scale: cron windows that raise a
// revision's min-scale, as offered by managed Knative platforms that combine
// scheduled scaling with the autoscaler.
//
// The windows come from the annotation autoscaling.knative.dev/scheduled-min-scale,
// a JSON list of objects:
//
//	[{"schedule": "0 9 * * 1-5", "duration": "8h", "minScale": 5},
//	 {"schedule": "0 12 * * *", "duration": "30m", "minScale": 10, "timezone": "Asia/Shanghai"}]
//
// schedule is a standard five-field cron expression (minute hour day-of-month
// month day-of-week) or a descriptor such as @daily, parsed with
// github.com/robfig/cron/v3; each activation opens a window of duration
// (a Go duration, > 0) during which min-scale is at least minScale (>= 1).
// timezone (an IANA name) is the zone the schedule is read in, UTC when
// omitted. Windows are half-open, [start, start+duration); overlapping
// windows take the largest minScale. @every schedules are rejected: they are
// not anchored to the clock.
package schedule
