package duck

import (
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// ConditionSet describes a kind's conditions: a happy condition (Ready) that is
// True exactly when every dependent condition is True.
type ConditionSet struct {
	happy      ConditionType
	dependents []ConditionType
}

// NewLivingConditionSet returns a set whose happy condition is Ready.
func NewLivingConditionSet(dependents ...ConditionType) ConditionSet {
	return ConditionSet{happy: ConditionReady, dependents: dependents}
}

// Manage returns a ConditionManager editing s. Every edit takes `now` so that
// transition times come from the caller's (possibly virtual) clock.
func (cs ConditionSet) Manage(s *Status) ConditionManager {
	return ConditionManager{set: cs, status: s}
}

// ConditionManager edits a Status according to its ConditionSet.
type ConditionManager struct {
	set    ConditionSet
	status *Status
}

// InitializeConditions sets every missing condition to Unknown.
func (m ConditionManager) InitializeConditions(now time.Time) {
	for _, t := range append([]ConditionType{m.set.happy}, m.set.dependents...) {
		if m.status.GetCondition(t) == nil {
			m.set1(Condition{Type: t, Status: corev1.ConditionUnknown}, now)
		}
	}
}

// MarkTrue sets condition t True and recomputes the happy condition.
func (m ConditionManager) MarkTrue(t ConditionType, now time.Time) {
	m.mark(Condition{Type: t, Status: corev1.ConditionTrue}, now)
}

// MarkTrueWithReason sets condition t True with a reason and message.
func (m ConditionManager) MarkTrueWithReason(t ConditionType, reason, msg string, now time.Time) {
	m.mark(Condition{Type: t, Status: corev1.ConditionTrue, Reason: reason, Message: msg}, now)
}

// MarkUnknown sets condition t Unknown with a reason and message.
func (m ConditionManager) MarkUnknown(t ConditionType, reason, msg string, now time.Time) {
	m.mark(Condition{Type: t, Status: corev1.ConditionUnknown, Reason: reason, Message: msg}, now)
}

// MarkFalse sets condition t False with a reason and message.
func (m ConditionManager) MarkFalse(t ConditionType, reason, msg string, now time.Time) {
	m.mark(Condition{Type: t, Status: corev1.ConditionFalse, Reason: reason, Message: msg}, now)
}

// MarkInfo sets an informational condition, which never affects Ready.
func (m ConditionManager) MarkInfo(t ConditionType, status corev1.ConditionStatus, reason, msg string, now time.Time) {
	m.set1(Condition{Type: t, Status: status, Severity: ConditionSeverityInfo, Reason: reason, Message: msg}, now)
}

func (m ConditionManager) mark(c Condition, now time.Time) {
	m.set1(c, now)
	if c.Type != m.set.happy {
		m.recomputeHappy(now)
	}
}

// recomputeHappy derives Ready from the dependents: the first False dependent
// wins, then the first Unknown one; all True makes Ready True.
func (m ConditionManager) recomputeHappy(now time.Time) {
	var unknown *Condition
	for _, t := range m.set.dependents {
		c := m.status.GetCondition(t)
		switch {
		case c.IsFalse():
			m.set1(Condition{Type: m.set.happy, Status: corev1.ConditionFalse, Reason: c.Reason, Message: c.Message}, now)
			return
		case c.IsUnknown() && unknown == nil:
			if c == nil {
				c = &Condition{Type: t, Status: corev1.ConditionUnknown}
			}
			unknown = c
		}
	}
	if unknown != nil {
		m.set1(Condition{Type: m.set.happy, Status: corev1.ConditionUnknown, Reason: unknown.Reason, Message: unknown.Message}, now)
		return
	}
	m.set1(Condition{Type: m.set.happy, Status: corev1.ConditionTrue}, now)
}

// set1 stores c. The transition time moves only when the status does, so a
// repeated reconcile writes an identical status.
func (m ConditionManager) set1(c Condition, now time.Time) {
	if old := m.status.GetCondition(c.Type); old != nil {
		if old.Status == c.Status && old.Reason == c.Reason && old.Message == c.Message && old.Severity == c.Severity {
			return
		}
		c.LastTransitionTime = metav1.NewTime(now.Truncate(time.Second))
		if old.Status == c.Status {
			c.LastTransitionTime = old.LastTransitionTime
		}
		*old = c
		return
	}
	c.LastTransitionTime = metav1.NewTime(now.Truncate(time.Second))
	m.status.Conditions = append(m.status.Conditions, c)
}

// IsTrue reports whether condition t is True.
func (m ConditionManager) IsTrue(t ConditionType) bool { return m.status.GetCondition(t).IsTrue() }
