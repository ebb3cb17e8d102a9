package revision

import (
	"maps"
	"sync"

	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/types"

	servingv1 "github.com/knsim/knsim/system/apis/serving/v1"
	"github.com/knsim/knsim/system/reconciler"
)

// specMemo remembers, per Deployment, the inputs for which its stored spec
// was last found to hold everything the Revision sets. The Deployment a
// Revision wants follows from the Revision's spec (its generation), labels
// and annotations alone, and the stored spec changes only with the
// Deployment's generation, so with the same inputs the comparison (a
// reflective walk of the whole pod template, on every reconcile of every
// Revision) would give the same answer.
type specMemo struct {
	mu sync.Mutex
	m  map[types.NamespacedName]specInputs
}

// specInputs are what a Deployment's comparison depended on.
type specInputs struct {
	revUID              types.UID
	revGeneration       int64
	labels, annotations map[string]string
	depUID              types.UID
	depGeneration       int64
}

func inputsOf(rev *servingv1.Revision, have *appsv1.Deployment) specInputs {
	return specInputs{
		revUID: rev.UID, revGeneration: rev.Generation, labels: rev.Labels, annotations: rev.Annotations,
		depUID: have.UID, depGeneration: have.Generation,
	}
}

func (a specInputs) equal(b specInputs) bool {
	return a.revUID == b.revUID && a.revGeneration == b.revGeneration && a.depUID == b.depUID &&
		a.depGeneration == b.depGeneration && maps.Equal(a.labels, b.labels) && maps.Equal(a.annotations, b.annotations)
}

// holds reports whether the Deployment's spec was found to hold the
// wanted one for these inputs. Objects without a generation (not read
// from a store) are always compared.
func (s *specMemo) holds(k types.NamespacedName, in specInputs) bool {
	if in.depGeneration == 0 || in.revGeneration == 0 {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	last, ok := s.m[k]
	return ok && last.equal(in)
}

// record notes that the Deployment's spec holds the wanted one for in.
func (s *specMemo) record(k types.NamespacedName, in specInputs) {
	in.labels, in.annotations = maps.Clone(in.labels), maps.Clone(in.annotations)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = map[types.NamespacedName]specInputs{}
	}
	s.m[k] = in
}

// mutateDeploymentFor returns the mutate function of rev's Deployments. It
// keeps the autoscaler's replica count: the Revision owns the template, the
// PodAutoscaler owns the scale. The stored spec carries the apiserver's
// defaults (restart and DNS policy, image pull policy, revision history,
// ...), which the built one leaves out, so only the fields the Revision
// sets are compared: an update that would change nothing is not sent. The
// comparison is skipped when its inputs are those of the last one that
// found nothing to change.
func (s *specMemo) mutateDeploymentFor(rev *servingv1.Revision) func(have, want *appsv1.Deployment) bool {
	return func(have, want *appsv1.Deployment) bool {
		want.Spec.Replicas = have.Spec.Replicas
		meta := reconciler.SyncMeta(have, want)
		k := types.NamespacedName{Namespace: have.Namespace, Name: have.Name}
		in := inputsOf(rev, have)
		if s.holds(k, in) {
			return meta
		}
		if reconciler.SyncSet(&have.Spec, want.Spec) {
			return true
		}
		s.record(k, in)
		return meta
	}
}
