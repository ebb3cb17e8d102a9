package kpa

import "time"

// maxWindow reports the maximum value recorded over the last size slots,
// where a slot is granularity long and slots are numbered from the Unix
// epoch (Knative's max.TimeWindow). Two records in one slot keep the larger.
type maxWindow struct {
	size        int
	granularity time.Duration
	// entries is a deque of slots with strictly decreasing values; the
	// front is the current maximum.
	entries []slotValue
}

type slotValue struct {
	slot  int64
	value int32
}

func newMaxWindow(d, granularity time.Duration) *maxWindow {
	size := int((d + granularity - 1) / granularity)
	if size < 1 {
		size = 1
	}
	return &maxWindow{size: size, granularity: granularity}
}

func (w *maxWindow) record(now time.Time, v int32) {
	slot := now.Unix() / int64(w.granularity/time.Second)
	// Values not above v can never be the maximum again.
	for len(w.entries) > 0 && w.entries[len(w.entries)-1].value <= v {
		w.entries = w.entries[:len(w.entries)-1]
	}
	// Drop slots that fell out of the window.
	for len(w.entries) > 0 && slot-w.entries[0].slot >= int64(w.size) {
		w.entries = w.entries[1:]
	}
	// A larger value already recorded in this slot wins.
	if n := len(w.entries); n > 0 && w.entries[n-1].slot == slot {
		if w.entries[n-1].value > v {
			v = w.entries[n-1].value
		}
		w.entries = w.entries[:n-1]
	}
	w.entries = append(w.entries, slotValue{slot: slot, value: v})
}

func (w *maxWindow) current() int32 {
	if len(w.entries) == 0 {
		return 0
	}
	return w.entries[0].value
}
