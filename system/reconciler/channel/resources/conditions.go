package resources

import (
	"fmt"
	"time"

	"github.com/knsim/knsim/system/apis/duck"
)

// MirrorReady sets condition t of a parent from a child's condition c
// (usually its Ready): the same status, reason and message; reason and msg
// describe a child that has no such condition yet.
func MirrorReady(conds duck.ConditionManager, t duck.ConditionType, c *duck.Condition, reason, msg string, now time.Time) {
	switch {
	case c == nil:
		conds.MarkUnknown(t, reason, msg, now)
	case c.IsTrue():
		conds.MarkTrueWithReason(t, c.Reason, c.Message, now)
	case c.IsFalse():
		conds.MarkFalse(t, c.Reason, c.Message, now)
	default:
		r, m := c.Reason, c.Message
		if r == "" {
			r, m = reason, msg
		}
		conds.MarkUnknown(t, r, m, now)
	}
}

// Child is one child's name and Ready condition, for MirrorAllReady.
type Child struct {
	// Name of the child, for messages.
	Name string
	// Ready is the child's Ready condition; nil when it has none yet.
	Ready *duck.Condition
}

// MirrorAllReady sets condition t True when every child is Ready, else from
// the first child that is not (False wins over Unknown), naming it.
func MirrorAllReady(conds duck.ConditionManager, t duck.ConditionType, kind string, children []Child, now time.Time) {
	var unknown *Child
	for i := range children {
		c := &children[i]
		switch {
		case c.Ready.IsFalse():
			conds.MarkFalse(t, c.Ready.Reason, fmt.Sprintf("%s %s is not ready: %s", kind, c.Name, c.Ready.Message), now)
			return
		case !c.Ready.IsTrue() && unknown == nil:
			unknown = c
		}
	}
	if unknown != nil {
		conds.MarkUnknown(t, kind+"NotReady", fmt.Sprintf("%s %s is not ready yet", kind, unknown.Name), now)
		return
	}
	conds.MarkTrue(t, now)
}
