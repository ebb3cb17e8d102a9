package containersource

import (
	"time"

	appsv1 "k8s.io/api/apps/v1"

	"github.com/knsim/knsim/system/apis/duck"
)

// markDeployment sets ReceiveAdapterReady from the Deployment's Available
// condition.
func markDeployment(conds duck.ConditionManager, d *appsv1.Deployment, now time.Time) {
	conds.Mirror(ConditionReceiveAdapterReady, available(d), duck.MirrorOptions{
		Reason:  "DeploymentUnavailable",
		Message: "The Deployment has not reported availability yet.",
	}, now)
}

// available is the Deployment's Available condition as a duck Condition;
// nil when it has none.
func available(d *appsv1.Deployment) *duck.Condition {
	for _, c := range d.Status.Conditions {
		if c.Type == appsv1.DeploymentAvailable {
			return &duck.Condition{Type: duck.ConditionType(c.Type), Status: c.Status, Reason: c.Reason, Message: c.Message}
		}
	}
	return nil
}
