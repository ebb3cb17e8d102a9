package containersource

import (
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/knsim/knsim/system/apis/duck"
)

// markDeployment sets ReceiveAdapterReady from the Deployment's Available
// condition.
func markDeployment(conds duck.ConditionManager, d *appsv1.Deployment, now time.Time) {
	for _, c := range d.Status.Conditions {
		if c.Type != appsv1.DeploymentAvailable {
			continue
		}
		switch c.Status {
		case corev1.ConditionTrue:
			conds.MarkTrue(ConditionReceiveAdapterReady, now)
		case corev1.ConditionFalse:
			conds.MarkFalse(ConditionReceiveAdapterReady, c.Reason, c.Message, now)
		default:
			conds.MarkUnknown(ConditionReceiveAdapterReady, c.Reason, c.Message, now)
		}
		return
	}
	conds.MarkUnknown(ConditionReceiveAdapterReady, "DeploymentUnavailable", "The Deployment has not reported availability yet.", now)
}
