package runner

import (
	"time"

	"k8s.io/apimachinery/pkg/types"

	"github.com/knsim/knsim/sim/cluster"
	"github.com/knsim/knsim/system/telemetry"
)

// feed runs a virtual run's recorder on a goroutine of its own, so that
// recording (a day of a fleet finishes millions of requests and records
// every revision every second) uses the second core while the engine goes
// on. The recorder sees exactly the calls, in exactly the order, it would
// have seen directly: the producer batches them and one consumer replays
// each batch in order. What the recorder would read from the control
// plane at the time of a call (a second's desired scales, a new pod's
// size) is read by the producer then and travels with the call, so the
// results are the same byte for byte.
//
// The producer methods must be called under the run's mutex (they are, as
// the direct calls were); the recorder must not be read until flush
// returns.
type feed struct {
	rec  *recorder
	cur  *feedBatch
	full chan *feedBatch // batches to replay, or a flush marker
	free chan *feedBatch // replayed batches, for reuse
	done chan struct{}   // closed when the consumer has stopped
	// sized are the pods whose size was read: only a pod's first event
	// needs it.
	sized map[types.NamespacedName]bool
}

// feedBatchSize is how many calls a batch holds before it is handed over.
const feedBatchSize = 4096

// feedKind is the recorder call a batch entry stands for.
type feedKind uint8

const (
	feedRequest feedKind = iota
	feedPod
	feedSecond
	feedNote
)

// feedBatch holds calls in order: kinds[i] says which of the per-kind
// slices holds the i-th call's arguments (the next unread entry of it).
type feedBatch struct {
	kinds   []feedKind
	reqs    []telemetry.Record
	pods    []fedPod
	seconds []fedSecond
	notes   []fedNote
	// flushed, when set, marks a flush: the consumer closes it once every
	// earlier call is replayed.
	flushed chan struct{}
}

type fedPod struct {
	e    cluster.PodEvent
	size *podSize
}

type fedSecond struct {
	now     time.Time
	load    []telemetry.RevisionSecond
	desired []int32
}

type fedNote struct {
	rev     types.NamespacedName
	service string
}

// newFeed starts rec's consumer.
func newFeed(rec *recorder) *feed {
	f := &feed{
		rec: rec, cur: &feedBatch{},
		full: make(chan *feedBatch, 2), free: make(chan *feedBatch, 3), done: make(chan struct{}),
		sized: map[types.NamespacedName]bool{},
	}
	go f.consume()
	return f
}

func (f *feed) consume() {
	defer close(f.done)
	for b := range f.full {
		var req, pod, sec, note int
		for _, k := range b.kinds {
			switch k {
			case feedRequest:
				f.rec.onRequest(b.reqs[req])
				req++
			case feedPod:
				f.rec.onPodSized(b.pods[pod].e, b.pods[pod].size)
				pod++
			case feedSecond:
				s := b.seconds[sec]
				f.rec.onSecondDesired(s.now, s.load, s.desired)
				sec++
			case feedNote:
				f.rec.noteRevision(b.notes[note].rev, b.notes[note].service)
				note++
			}
		}
		if b.flushed != nil {
			close(b.flushed)
			continue
		}
		b.reset()
		select {
		case f.free <- b:
		default:
		}
	}
}

func (b *feedBatch) reset() {
	b.kinds = b.kinds[:0]
	clear(b.reqs) // strings and slices go to the collector
	b.reqs = b.reqs[:0]
	clear(b.pods)
	b.pods = b.pods[:0]
	clear(b.seconds)
	b.seconds = b.seconds[:0]
	clear(b.notes)
	b.notes = b.notes[:0]
}

// request feeds onRequest.
func (f *feed) request(rec telemetry.Record) {
	f.cur.kinds = append(f.cur.kinds, feedRequest)
	f.cur.reqs = append(f.cur.reqs, rec)
	f.handOver()
}

// pod feeds onPod, reading a new pod's size now.
func (f *feed) pod(e cluster.PodEvent) {
	var size *podSize
	if k := (types.NamespacedName{Namespace: e.Namespace, Name: e.Pod}); !f.sized[k] {
		f.sized[k] = true
		size = &podSize{}
		size.cpu, size.gib = f.rec.resources(types.NamespacedName{Namespace: e.Namespace, Name: e.Deployment})
	}
	if e.Stage == cluster.StageDeleted {
		// A deleted pod's name is never reused by the emulation, but
		// forgetting it keeps the set as small as the live pods.
		delete(f.sized, types.NamespacedName{Namespace: e.Namespace, Name: e.Pod})
	}
	f.cur.kinds = append(f.cur.kinds, feedPod)
	f.cur.pods = append(f.cur.pods, fedPod{e: e, size: size})
	f.handOver()
}

// second feeds onSecond, reading the desired scales now.
func (f *feed) second(now time.Time, load []telemetry.RevisionSecond) {
	f.cur.kinds = append(f.cur.kinds, feedSecond)
	f.cur.seconds = append(f.cur.seconds, fedSecond{now: now, load: load, desired: f.rec.desiredOf(load)})
	f.handOver()
}

// note feeds noteRevision.
func (f *feed) note(rev types.NamespacedName, service string) {
	f.cur.kinds = append(f.cur.kinds, feedNote)
	f.cur.notes = append(f.cur.notes, fedNote{rev: rev, service: service})
	f.handOver()
}

// handOver passes the current batch on once it is full.
func (f *feed) handOver() {
	if len(f.cur.kinds) < feedBatchSize {
		return
	}
	f.full <- f.cur
	select {
	case f.cur = <-f.free:
	default:
		f.cur = &feedBatch{}
	}
}

// flush returns once the recorder has seen every call fed so far.
func (f *feed) flush() {
	b := f.cur
	b.flushed = make(chan struct{})
	f.full <- b
	<-b.flushed
	f.cur = &feedBatch{}
}

// stop ends the consumer (after what it was given) and waits for it.
func (f *feed) stop() {
	close(f.full)
	<-f.done
}
