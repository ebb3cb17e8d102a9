package memory

import (
	"slices"
	"strings"
	"sync"

	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/selection"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/apiutil"

	autoscalingv1alpha1 "github.com/knsim/knsim/system/apis/autoscaling/v1alpha1"
	"github.com/knsim/knsim/system/stack"
)

// autoscalerKind is the kind the Multiscaler's changes make due.
var autoscalerKind = autoscalingv1alpha1.SchemeGroupVersion.WithKind("PodAutoscaler")

// A settle reconciles only what is due, as an apiserver's watches would
// make it: an object is due when something it read in its last reconcile
// was written (an object it got, or an object of a kind it listed in that
// namespace that its label selector matches before or after the write),
// when an object of its own kind was written, when its requeue comes due,
// or, for a PodAutoscaler, when the Multiscaler's recommendation changed; a
// Deployment waiting for capacity is also due when a pod goes (plane.go). Touch (and the first settle) make everything due. Reconciling
// every object of every kind at every settle gave the same fixpoints but
// cost a pass over the whole store per event, which a day of traffic over
// twenty Services could not afford.

// due is one object of one reconciler's kind.
type due struct {
	r   int
	key client.ObjectKey
}

// ref is something a reconcile read: an object, or with name "" a list of
// a kind in a namespace ("" for all namespaces).
type ref struct {
	gvk       schema.GroupVersionKind
	namespace string
	name      string
}

// listRead is how a reconcile listed a kind in a namespace: with no label
// selector (any object of it matters), or with these selectors (only the
// objects they match, before or after a write, matter), as the event
// handlers of an informer-based controller would map them.
type listRead struct {
	any  bool
	sels []labels.Selector
}

// matches reports whether a write that changed an object's labels from
// before to after (nil where it did not exist) concerns this list.
func (l *listRead) matches(ch change) bool {
	if l.any {
		return true
	}
	for _, s := range l.sels {
		if (ch.before != nil && s.Matches(ch.before)) || (ch.after != nil && s.Matches(ch.after)) {
			return true
		}
	}
	return false
}

// labelPair is one label, key and value.
type labelPair struct{ key, value string }

// index says under which labels a write can concern this list: a selector
// that requires one value of a label is found under that label (each
// Deployment lists its own pods so, and a fleet writes pods all the time);
// scan is true when some write without those labels may concern it.
func (l *listRead) index() (pairs []labelPair, scan bool) {
	if l.any {
		return nil, true
	}
	for _, s := range l.sels {
		p, ok := equalityPair(s)
		if !ok {
			return nil, true
		}
		pairs = append(pairs, p)
	}
	return pairs, false
}

// equalityPair returns a label the selector requires one value of.
func equalityPair(s labels.Selector) (labelPair, bool) {
	reqs, _ := s.Requirements()
	for _, r := range reqs {
		switch r.Operator() {
		case selection.Equals, selection.DoubleEquals, selection.In:
			if r.Values().Len() == 1 {
				return labelPair{r.Key(), r.Values().UnsortedList()[0]}, true
			}
		}
	}
	return labelPair{}, false
}

// deps tracks what each reconcile read and what is due.
type deps struct {
	kinds []schema.GroupVersionKind // the kind each reconciler reconciles

	mu    sync.Mutex                // reads come from the cluster's goroutines too
	reads map[due]map[ref]*listRead // nil for an object read
	// readers inverts reads: object reads, and list reads a write of any
	// labels may concern; byLabel holds the other list reads by label.
	readers map[ref]map[due]struct{}
	byLabel map[ref]map[labelPair]map[due]struct{}
	// pending holds what is due by reconciler; fresh, by reconciler, the
	// keys that became due since its turn last looked (pending.go).
	pending  []map[client.ObjectKey]struct{}
	fresh    [][]client.ObjectKey
	npending int
	all      bool

	cur      *due
	curReads map[ref]*listRead
}

func newDeps(rs []stack.Reconciler, scheme *runtime.Scheme) (*deps, error) {
	d := &deps{reads: map[due]map[ref]*listRead{}, readers: map[ref]map[due]struct{}{}, byLabel: map[ref]map[labelPair]map[due]struct{}{}, all: true}
	for _, r := range rs {
		d.pending = append(d.pending, map[client.ObjectKey]struct{}{})
		d.fresh = append(d.fresh, nil)
		gvk, err := apiutil.GVKForObject(r.List, scheme)
		if err != nil {
			return nil, err
		}
		gvk.Kind = strings.TrimSuffix(gvk.Kind, "List")
		d.kinds = append(d.kinds, gvk)
	}
	return d, nil
}

// read records a read of the reconcile in progress: an object, or with
// name "" a list (sel nil or empty for all of the namespace's objects).
func (d *deps) read(gvk schema.GroupVersionKind, namespace, name string, sel labels.Selector) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.cur == nil {
		return
	}
	r := ref{gvk, namespace, name}
	if name != "" {
		d.curReads[r] = nil
		return
	}
	l := d.curReads[r]
	if l == nil {
		l = &listRead{}
		d.curReads[r] = l
	}
	if sel == nil || sel.Empty() {
		l.any = true
	} else {
		l.sels = append(l.sels, sel)
	}
}

// wrote makes due what depends on a written object.
func (d *deps) wrote(ch change) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if ch.key.Name == "" {
		d.all = true
		return
	}
	for i, k := range d.kinds {
		if k == ch.gvk {
			d.setPending(due{i, ch.key})
		}
	}
	for who := range d.readers[ref{ch.gvk, ch.key.Namespace, ch.key.Name}] {
		d.setPending(who)
	}
	for _, list := range []ref{{ch.gvk, ch.key.Namespace, ""}, {ch.gvk, "", ""}} {
		for who := range d.readers[list] {
			if !d.isPending(who) && d.reads[who][list].matches(ch) {
				d.setPending(who)
			}
		}
		idx := d.byLabel[list]
		if len(idx) == 0 {
			continue
		}
		for _, set := range []labels.Set{ch.before, ch.after} {
			for k, v := range set {
				for who := range idx[labelPair{k, v}] {
					if !d.isPending(who) && d.reads[who][list].matches(ch) {
						d.setPending(who)
					}
				}
			}
		}
	}
}

// begin starts recording the reads of reconciler r's reconcile of key.
func (d *deps) begin(r int, key client.ObjectKey) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.cur, d.curReads = &due{r, key}, map[ref]*listRead{}
}

// end keeps what the reconcile read as its dependencies.
func (d *deps) end() {
	d.mu.Lock()
	defer d.mu.Unlock()
	who := *d.cur
	for r, l := range d.reads[who] {
		d.unindex(who, r, l)
	}
	d.reads[who] = d.curReads
	for r, l := range d.curReads {
		d.indexRead(who, r, l)
	}
	d.cur, d.curReads = nil, nil
}

// indexRead files one read of who under readers or byLabel.
func (d *deps) indexRead(who due, r ref, l *listRead) {
	pairs, scan := []labelPair(nil), true
	if l != nil {
		pairs, scan = l.index()
	}
	if scan {
		m := d.readers[r]
		if m == nil {
			m = map[due]struct{}{}
			d.readers[r] = m
		}
		m[who] = struct{}{}
		return
	}
	idx := d.byLabel[r]
	if idx == nil {
		idx = map[labelPair]map[due]struct{}{}
		d.byLabel[r] = idx
	}
	for _, p := range pairs {
		m := idx[p]
		if m == nil {
			m = map[due]struct{}{}
			idx[p] = m
		}
		m[who] = struct{}{}
	}
}

// unindex forgets what indexRead filed.
func (d *deps) unindex(who due, r ref, l *listRead) {
	pairs, scan := []labelPair(nil), true
	if l != nil {
		pairs, scan = l.index()
	}
	if scan {
		delete(d.readers[r], who)
		return
	}
	for _, p := range pairs {
		if m := d.byLabel[r][p]; m != nil {
			delete(m, who)
			if len(m) == 0 {
				delete(d.byLabel[r], p)
			}
		}
	}
}

// forget drops what who read: it is gone and will not be reconciled
// again unless its own kind's write makes it due.
func (d *deps) forget(who due) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for r, l := range d.reads[who] {
		d.unindex(who, r, l)
	}
	delete(d.reads, who)
}

// mark makes one object due.
func (d *deps) mark(r int, key client.ObjectKey) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.setPending(due{r, key})
}

// markKind makes the object of kind gvk named key due.
func (d *deps) markKind(gvk schema.GroupVersionKind, key client.ObjectKey) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for i, k := range d.kinds {
		if k == gvk {
			d.setPending(due{i, key})
		}
	}
}

// due reports whether anything of reconciler r's kind may be due.
func (d *deps) due(r int) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.all || len(d.pending[r]) > 0
}

// allDue reports whether everything is due (the first settle, Touch).
func (d *deps) allDue() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.all
}

// take reports whether the object is due, and makes it no longer due.
func (d *deps) take(r int, key client.ObjectKey) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	_, ok := d.pending[r][key]
	if ok {
		delete(d.pending[r], key)
		d.npending--
	}
	return ok || d.all
}

// pendingAny reports whether anything is due.
func (d *deps) pendingAny() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.all || d.npending > 0
}

// clearPending forgets what is due (objects that no longer exist).
func (d *deps) clearPending() {
	d.mu.Lock()
	defer d.mu.Unlock()
	for r := range d.pending {
		clear(d.pending[r])
		d.fresh[r] = d.fresh[r][:0]
	}
	d.npending = 0
}

// setAll makes everything due (or ends that after a full pass).
func (d *deps) setAll(all bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.all = all
}

// isPending reports whether who is due (the caller holds d.mu).
func (d *deps) isPending(who due) bool {
	_, ok := d.pending[who.r][who.key]
	return ok
}

// setPending makes who due (the caller holds d.mu).
func (d *deps) setPending(who due) {
	if d.isPending(who) {
		return
	}
	d.pending[who.r][who.key] = struct{}{}
	d.npending++
	d.fresh[who.r] = append(d.fresh[who.r], who.key)
}

// pendingKeys returns the keys of reconciler r's kind that are due, and
// forgets the fresh ones (the caller looks at them all).
func (d *deps) pendingKeys(r int) []client.ObjectKey {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.fresh[r] = d.fresh[r][:0]
	keys := make([]client.ObjectKey, 0, len(d.pending[r]))
	for k := range d.pending[r] {
		keys = append(keys, k)
	}
	return keys
}

// takeFresh returns the keys of reconciler r's kind that became due since
// pendingKeys or takeFresh last looked.
func (d *deps) takeFresh(r int) []client.ObjectKey {
	d.mu.Lock()
	defer d.mu.Unlock()
	f := slices.Clone(d.fresh[r])
	d.fresh[r] = d.fresh[r][:0]
	return f
}
