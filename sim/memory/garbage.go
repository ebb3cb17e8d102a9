package memory

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// The memory plane plays the garbage collector (sim/gc) as an apiserver's
// kube-controller-manager would: an owner removed from the store, or
// marked deleted with the foreground or orphan finalizer, is collected in
// the settle that follows, after each pass's reconciles, in key order.

// ownerKey is an owner to collect.
type ownerKey struct {
	gvk schema.GroupVersionKind
	key client.ObjectKey
}

// noteOwner queues a written owner for collection when the write removed
// it or marked it deleted.
func (p *Plane) noteOwner(ch change) {
	if (ch.after != nil && !ch.deleting) || !p.owners[ch.gvk] {
		return
	}
	if p.garbage == nil {
		p.garbage = map[ownerKey]bool{}
	}
	p.garbage[ownerKey{ch.gvk, ch.key}] = true
}

// collectGarbage collects the queued owners; one whose dependents are still
// going stays queued for the next pass.
func (p *Plane) collectGarbage(ctx context.Context) error {
	if len(p.garbage) == 0 {
		return nil
	}
	keys := make([]ownerKey, 0, len(p.garbage))
	for k := range p.garbage {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b ownerKey) int {
		if c := strings.Compare(a.gvk.String(), b.gvk.String()); c != 0 {
			return c
		}
		return compareKeyStrings(a.key, b.key)
	})
	for _, k := range keys {
		done, err := p.collector.Collect(ctx, k.gvk, k.key)
		if err != nil {
			return fmt.Errorf("memory: %w", err)
		}
		if done {
			delete(p.garbage, k)
		}
	}
	return nil
}
