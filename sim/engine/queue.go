package engine

import "time"

// entry is one heap element. It is kept small (24 bytes) and free of
// pointers so sifting moves little memory and the heap slice is not scanned
// by the garbage collector; the callback lives in the slot it names.
type entry struct {
	at   int64  // virtual nanoseconds since Config.Start
	seq  uint64 // insertion order, breaks ties between equal times
	slot int32  // index into queue.slots
}

// slot holds an event's payload. Slots are recycled through a free list so a
// steady-state simulation schedules without allocating.
type slot struct {
	fn    func(now time.Time)
	label string
	gen   uint32 // bumped on release so stale EventIDs cannot cancel a reused slot
	pos   int32  // index in queue.heap, or -1 when the slot is free
}

// queue is a binary min-heap of entries ordered by (at, seq), indexed by slot
// so that Cancel removes an event eagerly in O(log n) instead of leaving a
// tombstone that would keep Pending and memory inflated.
type queue struct {
	heap  []entry
	slots []slot
	free  []int32
}

func (a entry) before(b entry) bool {
	return a.at < b.at || (a.at == b.at && a.seq < b.seq)
}

func (q *queue) len() int { return len(q.heap) }

// push inserts an event and returns the slot index and generation that
// together identify it.
func (q *queue) push(at int64, seq uint64, fn func(time.Time), label string) (int32, uint32) {
	var s int32
	if n := len(q.free); n > 0 {
		s = q.free[n-1]
		q.free = q.free[:n-1]
	} else {
		s = int32(len(q.slots))
		q.slots = append(q.slots, slot{gen: 1})
	}
	sl := &q.slots[s]
	sl.fn = fn
	sl.label = label
	q.heap = append(q.heap, entry{at: at, seq: seq, slot: s})
	q.up(len(q.heap)-1, q.heap[len(q.heap)-1])
	return s, sl.gen
}

// popMin removes the earliest entry and returns it with its payload; the slot
// is released before returning so the callback may reuse it.
func (q *queue) popMin() (entry, func(time.Time), string) {
	top := q.heap[0]
	q.removeAt(0)
	fn, label := q.release(top.slot)
	return top, fn, label
}

// cancel removes the event in slot s if gen still matches.
func (q *queue) cancel(s int32, gen uint32) bool {
	if s < 0 || int(s) >= len(q.slots) {
		return false
	}
	sl := &q.slots[s]
	if sl.gen != gen || sl.pos < 0 {
		return false
	}
	q.removeAt(int(sl.pos))
	q.release(s)
	return true
}

func (q *queue) release(s int32) (func(time.Time), string) {
	sl := &q.slots[s]
	fn, label := sl.fn, sl.label
	sl.fn, sl.label = nil, "" // drop references so closures can be collected
	sl.gen++
	if sl.gen == 0 { // keep EventID non-zero after wrap-around
		sl.gen = 1
	}
	sl.pos = -1
	q.free = append(q.free, s)
	return fn, label
}

// removeAt deletes heap[i] by moving the last element into the hole.
func (q *queue) removeAt(i int) {
	last := len(q.heap) - 1
	moved := q.heap[last]
	q.heap = q.heap[:last]
	if i == last {
		return
	}
	if i > 0 && moved.before(q.heap[(i-1)/2]) {
		q.up(i, moved)
	} else {
		q.down(i, moved)
	}
}

// up places e at or above hole i. Hole-based sifting writes each moved
// element once instead of swapping pairs.
func (q *queue) up(i int, e entry) {
	h := q.heap
	for i > 0 {
		p := (i - 1) / 2
		if !e.before(h[p]) {
			break
		}
		h[i] = h[p]
		q.slots[h[i].slot].pos = int32(i)
		i = p
	}
	h[i] = e
	q.slots[e.slot].pos = int32(i)
}

// down places e at or below hole i.
func (q *queue) down(i int, e entry) {
	h := q.heap
	n := len(h)
	for {
		c := 2*i + 1
		if c >= n {
			break
		}
		if r := c + 1; r < n && h[r].before(h[c]) {
			c = r
		}
		if !h[c].before(e) {
			break
		}
		h[i] = h[c]
		q.slots[h[i].slot].pos = int32(i)
		i = c
	}
	h[i] = e
	q.slots[e.slot].pos = int32(i)
}
