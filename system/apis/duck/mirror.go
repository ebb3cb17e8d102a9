package duck

import (
	"fmt"
	"time"
)

// MirrorOptions say how ConditionManager.Mirror copies a child's condition.
// The zero value copies the status, and the reason and message of a False
// or Unknown condition, as Knative's Service does with its Configuration's
// and Route's readiness.
//
// +kubebuilder:object:generate=false
type MirrorOptions struct {
	// Reason and Message describe a child that has no such condition yet.
	Reason, Message string
	// FillUnknown gives an Unknown condition without a reason Reason and
	// Message instead of its own (empty) ones.
	FillUnknown bool
	// KeepTrueReason copies a True condition's reason and message too.
	KeepTrueReason bool
}

// MirrorChild are the options the Eventing kinds mirror a child's
// condition with: a True condition keeps its reason, and a child without
// the condition, or Unknown without a reason, reads as Unknown with reason
// and msg.
func MirrorChild(reason, msg string) MirrorOptions {
	return MirrorOptions{Reason: reason, Message: msg, FillUnknown: true, KeepTrueReason: true}
}

// Mirror sets condition t from a child's condition c (usually its Ready;
// nil when the child has none yet): the same status, and its reason and
// message as o says.
func (m ConditionManager) Mirror(t ConditionType, c *Condition, o MirrorOptions, now time.Time) {
	switch {
	case c == nil:
		m.MarkUnknown(t, o.Reason, o.Message, now)
	case c.IsTrue() && o.KeepTrueReason:
		m.MarkTrueWithReason(t, c.Reason, c.Message, now)
	case c.IsTrue():
		m.MarkTrue(t, now)
	case c.IsFalse():
		m.MarkFalse(t, c.Reason, c.Message, now)
	case c.Reason == "" && o.FillUnknown:
		m.MarkUnknown(t, o.Reason, o.Message, now)
	default:
		m.MarkUnknown(t, c.Reason, c.Message, now)
	}
}

// Child is one child's name and Ready condition, for MirrorAll.
//
// +kubebuilder:object:generate=false
type Child struct {
	// Name of the child, for messages.
	Name string
	// Ready is the child's Ready condition; nil when it has none yet.
	Ready *Condition
}

// MirrorAll sets condition t True when every child is Ready, else from the
// first child that is not (False wins over Unknown), naming it as one of
// kind ("Channel").
func (m ConditionManager) MirrorAll(t ConditionType, kind string, children []Child, now time.Time) {
	var unknown *Child
	for i := range children {
		c := &children[i]
		switch {
		case c.Ready.IsFalse():
			m.MarkFalse(t, c.Ready.Reason, fmt.Sprintf("%s %s is not ready: %s", kind, c.Name, c.Ready.Message), now)
			return
		case !c.Ready.IsTrue() && unknown == nil:
			unknown = c
		}
	}
	if unknown != nil {
		m.MarkUnknown(t, kind+"NotReady", fmt.Sprintf("%s %s is not ready yet", kind, unknown.Name), now)
		return
	}
	m.MarkTrue(t, now)
}
