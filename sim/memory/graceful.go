package memory

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
)

// gracefulFinalizer holds a gracefully deleted pod in the store until the
// emulated kubelet removes it, as kube-apiserver keeps a pod bound to a node
// (with its deletionTimestamp set) until the kubelet confirms the deletion.
const gracefulFinalizer = "sim.knsim.dev/graceful-deletion"

// gracefulPods gives the store kube-apiserver's graceful deletion of pods,
// which a plain store lacks: a Delete of a pod bound to a node without a
// zero grace period (kubectl delete pod, a deletePod action) only marks it
// deleted, so the cluster emulation sees it terminate and drain as on
// envtest; a Delete with a zero grace period (the emulated kubelet's, once
// the drain is over) removes it.
type gracefulPods struct{ client.Client }

// Delete implements client.Writer.
func (c gracefulPods) Delete(ctx context.Context, obj client.Object, opts ...client.DeleteOption) error {
	pod, ok := obj.(*corev1.Pod)
	if !ok {
		return c.Client.Delete(ctx, obj, opts...)
	}
	do := (&client.DeleteOptions{}).ApplyOptions(opts)
	force := do.GracePeriodSeconds != nil && *do.GracePeriodSeconds == 0
	stored := &corev1.Pod{}
	if err := c.Get(ctx, client.ObjectKeyFromObject(pod), stored); err != nil {
		return err
	}
	switch {
	case force && controllerutil.ContainsFinalizer(stored, gracefulFinalizer):
		// The kubelet confirms: the store deletes the pod once it holds no
		// finalizer.
		controllerutil.RemoveFinalizer(stored, gracefulFinalizer)
		if err := c.Update(ctx, stored); err != nil {
			return fmt.Errorf("confirming the deletion of pod %s: %w", pod.Name, err)
		}
		if stored.DeletionTimestamp == nil {
			return c.Client.Delete(ctx, stored, opts...)
		}
		return nil
	case force || stored.Spec.NodeName == "" || stored.DeletionTimestamp != nil:
		return c.Client.Delete(ctx, obj, opts...)
	}
	controllerutil.AddFinalizer(stored, gracefulFinalizer)
	if err := c.Update(ctx, stored); err != nil {
		return fmt.Errorf("deleting pod %s gracefully: %w", pod.Name, err)
	}
	return c.Client.Delete(ctx, stored, opts...)
}
