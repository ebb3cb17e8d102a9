package podautoscaler

import (
	"context"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	autoscalingv1alpha1 "github.com/knsim/knsim/system/apis/autoscaling/v1alpha1"
	"github.com/knsim/knsim/system/autoscaler/reserve"
	"github.com/knsim/knsim/system/autoscaler/scaler"
)

// reserveSuffix names a Revision's reserve Deployment after its standard one.
const reserveSuffix = "-reserve"

// scaleReserve keeps a revision's reserve instances: while the KPA holds the
// revision at zero, the reserve Deployment runs spec.Replicas low-cost pods
// instead; once traffic brings a standard pod up, the reserve scales to zero
// (its pods drain what they hold first). It returns the reserve's ready pods.
func (r *Reconciler) scaleReserve(ctx context.Context, pa *autoscalingv1alpha1.PodAutoscaler, dep *appsv1.Deployment, res scaler.Result) (int32, error) {
	spec, err := reserve.FromAnnotations(pa.Annotations)
	if err != nil || !spec.Enabled {
		return 0, nil // invalid annotations were refused at admission
	}
	rd := &appsv1.Deployment{}
	err = r.Get(ctx, client.ObjectKey{Namespace: pa.Namespace, Name: pa.Name + reserveSuffix}, rd)
	if apierrors.IsNotFound(err) {
		return 0, nil // the Revision creates it
	} else if err != nil {
		return 0, fmt.Errorf("getting reserve deployment: %w", err)
	}
	have := ptr.Deref(rd.Spec.Replicas, 0)
	want := int32(0)
	switch {
	case res.Want == 0 && ptr.Deref(dep.Spec.Replicas, 0) == 0:
		want = spec.Replicas // idle: keep the reserve instead of zero
	case dep.Status.ReadyReplicas == 0 && have > 0:
		want = have // a standard pod is starting: the reserve serves meanwhile
	}
	if want != have {
		rd.Spec.Replicas = ptr.To(want)
		if err := r.Update(ctx, rd); err != nil {
			return 0, fmt.Errorf("scaling reserve deployment to %d: %w", want, err)
		}
	}
	return rd.Status.ReadyReplicas, nil
}
