package cluster

import (
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	ctrl "sigs.k8s.io/controller-runtime"

	"github.com/knsim/knsim/system/reconciler"
)

// SetupWithManager registers the emulated Deployment controller and kubelets.
// Pods are listed straight from the apiserver so that a lagging cache never
// makes the emulation create or delete a pod twice.
func (c *Cluster) SetupWithManager(mgr ctrl.Manager, opts reconciler.Options) error {
	opts.Clock = c.cfg.Clock
	if err := opts.Validate(); err != nil {
		return err
	}
	r := &deploymentReconciler{cluster: c, Client: mgr.GetClient(), reader: mgr.GetAPIReader()}
	return opts.NewController(mgr, "sim-deployment", &appsv1.Deployment{}).
		Watches(opts.Owns(mgr, "sim-deployment", &appsv1.Deployment{}, &corev1.Pod{})).
		Complete(r)
}
