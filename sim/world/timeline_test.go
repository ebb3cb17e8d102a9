package world_test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/knsim/knsim/sim/cluster"
)

// timelineEntry is one pod transition, its time made relative to the run's
// start so two runs (or two backends) can be compared.
type timelineEntry struct {
	At         time.Duration
	Deployment string
	Pod        string
	Node       string
	Stage      cluster.Stage
	Reason     string
}

func (e timelineEntry) String() string {
	return fmt.Sprintf("%9s %-14s %-12s %s %s", e.At, e.Stage, e.Node, e.Pod, e.Reason)
}

// timeline records a cluster's PodEvents relative to start.
type timeline struct {
	mu      sync.Mutex
	start   time.Time
	entries []timelineEntry
}

func (t *timeline) record(e cluster.PodEvent) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.entries = append(t.entries, timelineEntry{
		At: e.Time.Sub(t.start), Deployment: e.Deployment, Pod: e.Pod, Node: e.Node, Stage: e.Stage, Reason: e.Reason,
	})
}

// sorted returns the entries in a canonical order: by time, then pod, then
// stage order as recorded. Within one virtual instant the envtest backend
// reconciles Deployments concurrently, so only the order of events of the
// same pod (and their times) is meaningful; a stable sort keeps that order.
func (t *timeline) sorted() []timelineEntry {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := slices.Clone(t.entries)
	slices.SortStableFunc(out, func(a, b timelineEntry) int {
		if a.At != b.At {
			return int(a.At - b.At)
		}
		if a.Pod < b.Pod {
			return -1
		}
		if a.Pod > b.Pod {
			return 1
		}
		return 0
	})
	return out
}

// hash is a digest of the sorted timeline, short enough to report.
func (t *timeline) hash() string {
	var b strings.Builder
	for _, e := range t.sorted() {
		fmt.Fprintf(&b, "%d|%s|%s|%s|%s|%s\n", e.At, e.Deployment, e.Pod, e.Node, e.Stage, e.Reason)
	}
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:8])
}

func toUnstructured(obj client.Object) (*unstructured.Unstructured, error) {
	m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	if err != nil {
		return nil, err
	}
	return &unstructured.Unstructured{Object: m}, nil
}
