package duck

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
)

// TestMirror copies child conditions of every status under the three
// option sets the kinds use.
func TestMirror(t *testing.T) {
	child := func(s corev1.ConditionStatus, reason, msg string) *Condition {
		return &Condition{Type: ConditionReady, Status: s, Reason: reason, Message: msg}
	}
	eventing := MirrorChild("ChildNotReady", "The child has not reported readiness yet.")
	// service is Knative's Service mirroring its Configuration and Route.
	service := MirrorOptions{}
	// deployment is the ContainerSource mirroring its Deployment's Available.
	deployment := MirrorOptions{Reason: "DeploymentUnavailable", Message: "No availability yet."}
	tests := []struct {
		name  string
		child *Condition
		opts  MirrorOptions
		want  Condition
	}{
		{"eventing: no condition", nil, eventing,
			cond(condA, corev1.ConditionUnknown, "ChildNotReady", "The child has not reported readiness yet.", t0)},
		{"eventing: True keeps its reason", child(corev1.ConditionTrue, "Fine", "all good"), eventing,
			cond(condA, corev1.ConditionTrue, "Fine", "all good", t0)},
		{"eventing: False", child(corev1.ConditionFalse, "Broken", "it broke"), eventing,
			cond(condA, corev1.ConditionFalse, "Broken", "it broke", t0)},
		{"eventing: Unknown with a reason", child(corev1.ConditionUnknown, "Starting", "soon"), eventing,
			cond(condA, corev1.ConditionUnknown, "Starting", "soon", t0)},
		{"eventing: Unknown without a reason is filled", child(corev1.ConditionUnknown, "", "lone message"), eventing,
			cond(condA, corev1.ConditionUnknown, "ChildNotReady", "The child has not reported readiness yet.", t0)},
		{"service: no condition", nil, service,
			cond(condA, corev1.ConditionUnknown, "", "", t0)},
		{"service: True drops its reason", child(corev1.ConditionTrue, "Fine", "all good"), service,
			cond(condA, corev1.ConditionTrue, "", "", t0)},
		{"service: False", child(corev1.ConditionFalse, "Broken", "it broke"), service,
			cond(condA, corev1.ConditionFalse, "Broken", "it broke", t0)},
		{"service: Unknown without a reason keeps its message", child(corev1.ConditionUnknown, "", "lone message"), service,
			cond(condA, corev1.ConditionUnknown, "", "lone message", t0)},
		{"deployment: no condition", nil, deployment,
			cond(condA, corev1.ConditionUnknown, "DeploymentUnavailable", "No availability yet.", t0)},
		{"deployment: True", child(corev1.ConditionTrue, "MinimumReplicasAvailable", "up"), deployment,
			cond(condA, corev1.ConditionTrue, "", "", t0)},
		{"deployment: Unknown without a reason is not filled", child(corev1.ConditionUnknown, "", ""), deployment,
			cond(condA, corev1.ConditionUnknown, "", "", t0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s Status
			testSet.Manage(&s).Mirror(condA, tt.child, tt.opts, t0)
			if diff := cmp.Diff(tt.want, *s.GetCondition(condA)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestMirrorAll aggregates children's Ready conditions.
func TestMirrorAll(t *testing.T) {
	ready := func(s corev1.ConditionStatus, reason, msg string) *Condition {
		return &Condition{Type: ConditionReady, Status: s, Reason: reason, Message: msg}
	}
	tests := []struct {
		name     string
		children []Child
		want     Condition
	}{
		{"no children", nil, cond(condA, corev1.ConditionTrue, "", "", t0)},
		{"all ready", []Child{{"a", ready(corev1.ConditionTrue, "", "")}, {"b", ready(corev1.ConditionTrue, "", "")}},
			cond(condA, corev1.ConditionTrue, "", "", t0)},
		{"first unknown is named", []Child{{"a", ready(corev1.ConditionTrue, "", "")}, {"b", nil}, {"c", ready(corev1.ConditionUnknown, "", "")}},
			cond(condA, corev1.ConditionUnknown, "ChannelNotReady", "Channel b is not ready yet", t0)},
		{"False wins over an earlier Unknown", []Child{{"a", nil}, {"b", ready(corev1.ConditionFalse, "Broken", "it broke")}},
			cond(condA, corev1.ConditionFalse, "Broken", "Channel b is not ready: it broke", t0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s Status
			testSet.Manage(&s).MirrorAll(condA, "Channel", tt.children, t0)
			if diff := cmp.Diff(tt.want, *s.GetCondition(condA)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
