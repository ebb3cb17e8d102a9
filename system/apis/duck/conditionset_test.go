package duck

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

const (
	condA ConditionType = "A"
	condB ConditionType = "B"
	condI ConditionType = "Info"
)

var (
	// t0 has a sub-second part so truncation to whole seconds is visible.
	t0 = time.Date(2024, 3, 1, 12, 0, 0, 700_000_000, time.UTC)
	t1 = t0.Add(90 * time.Second)
)

func sec(t time.Time) metav1.Time { return metav1.NewTime(t.Truncate(time.Second)) }

func cond(t ConditionType, s corev1.ConditionStatus, reason, msg string, at time.Time) Condition {
	return Condition{Type: t, Status: s, Reason: reason, Message: msg, LastTransitionTime: sec(at)}
}

var testSet = NewLivingConditionSet(condA, condB)

func TestInitializeConditions(t *testing.T) {
	tests := []struct {
		name string
		in   []Condition
		want []Condition
	}{{
		name: "empty status gets happy then dependents, all Unknown",
		want: []Condition{
			cond(ConditionReady, corev1.ConditionUnknown, "", "", t1),
			cond(condA, corev1.ConditionUnknown, "", "", t1),
			cond(condB, corev1.ConditionUnknown, "", "", t1),
		},
	}, {
		name: "existing conditions are kept untouched",
		in: []Condition{
			cond(condA, corev1.ConditionTrue, "Done", "ok", t0),
		},
		want: []Condition{
			cond(condA, corev1.ConditionTrue, "Done", "ok", t0),
			cond(ConditionReady, corev1.ConditionUnknown, "", "", t1),
			cond(condB, corev1.ConditionUnknown, "", "", t1),
		},
	}, {
		name: "fully initialized status is unchanged",
		in: []Condition{
			cond(ConditionReady, corev1.ConditionFalse, "Bad", "b", t0),
			cond(condA, corev1.ConditionTrue, "", "", t0),
			cond(condB, corev1.ConditionFalse, "Bad", "b", t0),
		},
		want: []Condition{
			cond(ConditionReady, corev1.ConditionFalse, "Bad", "b", t0),
			cond(condA, corev1.ConditionTrue, "", "", t0),
			cond(condB, corev1.ConditionFalse, "Bad", "b", t0),
		},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := &Status{Conditions: tc.in}
			testSet.Manage(s).InitializeConditions(t1)
			if diff := cmp.Diff(tc.want, s.Conditions); diff != "" {
				t.Errorf("conditions (-want +got):\n%s", diff)
			}
		})
	}
}

func TestHappyRecomputation(t *testing.T) {
	tests := []struct {
		name       string
		initialize bool
		edit       func(ConditionManager)
		want       Condition // the Ready condition
		wantTrue   bool
	}{{
		name:       "all dependents True makes Ready True",
		initialize: true,
		edit: func(m ConditionManager) {
			m.MarkTrue(condA, t1)
			m.MarkTrueWithReason(condB, "Fine", "all good", t1)
		},
		want:     cond(ConditionReady, corev1.ConditionTrue, "", "", t1),
		wantTrue: true,
	}, {
		name:       "one True one Unknown makes Ready Unknown with its reason",
		initialize: true,
		edit: func(m ConditionManager) {
			m.MarkTrue(condA, t1)
			m.MarkUnknown(condB, "Waiting", "still waiting", t1)
		},
		want: cond(ConditionReady, corev1.ConditionUnknown, "Waiting", "still waiting", t0),
	}, {
		name:       "False dependent makes Ready False with its reason",
		initialize: true,
		edit: func(m ConditionManager) {
			m.MarkTrue(condA, t1)
			m.MarkFalse(condB, "Broken", "it broke", t1)
		},
		want: cond(ConditionReady, corev1.ConditionFalse, "Broken", "it broke", t1),
	}, {
		name:       "False wins over an earlier Unknown dependent",
		initialize: true,
		edit: func(m ConditionManager) {
			m.MarkUnknown(condA, "Waiting", "w", t1)
			m.MarkFalse(condB, "Broken", "b", t1)
		},
		want: cond(ConditionReady, corev1.ConditionFalse, "Broken", "b", t1),
	}, {
		name:       "first False dependent in set order wins",
		initialize: true,
		edit: func(m ConditionManager) {
			m.MarkFalse(condB, "BFailed", "b", t1)
			m.MarkFalse(condA, "AFailed", "a", t1)
		},
		want: cond(ConditionReady, corev1.ConditionFalse, "AFailed", "a", t1),
	}, {
		name:       "recovery: False then True makes Ready True",
		initialize: true,
		edit: func(m ConditionManager) {
			m.MarkTrue(condA, t0)
			m.MarkFalse(condB, "Broken", "b", t0)
			m.MarkTrue(condB, t1)
		},
		want:     cond(ConditionReady, corev1.ConditionTrue, "", "", t1),
		wantTrue: true,
	}, {
		name: "missing dependent counts as Unknown",
		edit: func(m ConditionManager) { m.MarkTrue(condA, t1) },
		want: cond(ConditionReady, corev1.ConditionUnknown, "", "", t1),
	}, {
		name:       "MarkInfo never affects Ready",
		initialize: true,
		edit: func(m ConditionManager) {
			m.MarkTrue(condA, t1)
			m.MarkTrue(condB, t1)
			m.MarkInfo(condI, corev1.ConditionFalse, "Inactive", "no pods", t1)
		},
		want:     cond(ConditionReady, corev1.ConditionTrue, "", "", t1),
		wantTrue: true,
	}, {
		name:       "marking the happy condition directly does not recompute it",
		initialize: true,
		edit: func(m ConditionManager) {
			m.MarkFalse(ConditionReady, "Forced", "by hand", t1)
		},
		want: cond(ConditionReady, corev1.ConditionFalse, "Forced", "by hand", t1),
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := &Status{}
			m := testSet.Manage(s)
			if tc.initialize {
				m.InitializeConditions(t0)
			}
			tc.edit(m)
			got := s.GetCondition(ConditionReady)
			if got == nil {
				t.Fatal("Ready condition missing")
			}
			if diff := cmp.Diff(tc.want, *got); diff != "" {
				t.Errorf("Ready (-want +got):\n%s", diff)
			}
			if m.IsTrue(ConditionReady) != tc.wantTrue || s.IsReady() != tc.wantTrue {
				t.Errorf("IsTrue(Ready) = %v, IsReady() = %v, want %v", m.IsTrue(ConditionReady), s.IsReady(), tc.wantTrue)
			}
		})
	}
}

func TestMarkInfoSeverity(t *testing.T) {
	s := &Status{}
	testSet.Manage(s).MarkInfo(condI, corev1.ConditionFalse, "Inactive", "no pods", t0)
	want := []Condition{{
		Type: condI, Status: corev1.ConditionFalse, Severity: ConditionSeverityInfo,
		Reason: "Inactive", Message: "no pods", LastTransitionTime: sec(t0),
	}}
	if diff := cmp.Diff(want, s.Conditions); diff != "" {
		t.Errorf("conditions (-want +got):\n%s", diff)
	}
}

func TestLastTransitionTime(t *testing.T) {
	tests := []struct {
		name string
		// second runs at t1 after first ran at t0 on an initialized status.
		first, second func(ConditionManager, time.Time)
		want          Condition // condition A afterwards
	}{{
		name:   "identical mark keeps time",
		first:  func(m ConditionManager, at time.Time) { m.MarkTrue(condA, at) },
		second: func(m ConditionManager, at time.Time) { m.MarkTrue(condA, at) },
		want:   cond(condA, corev1.ConditionTrue, "", "", t0),
	}, {
		name:   "same status, new reason keeps time but updates reason",
		first:  func(m ConditionManager, at time.Time) { m.MarkFalse(condA, "One", "first", at) },
		second: func(m ConditionManager, at time.Time) { m.MarkFalse(condA, "Two", "second", at) },
		want:   cond(condA, corev1.ConditionFalse, "Two", "second", t0),
	}, {
		name:   "status change moves time",
		first:  func(m ConditionManager, at time.Time) { m.MarkFalse(condA, "One", "first", at) },
		second: func(m ConditionManager, at time.Time) { m.MarkTrue(condA, at) },
		want:   cond(condA, corev1.ConditionTrue, "", "", t1),
	}, {
		name:   "identical Unknown mark keeps time",
		first:  func(m ConditionManager, at time.Time) { m.MarkUnknown(condA, "Wait", "w", at) },
		second: func(m ConditionManager, at time.Time) { m.MarkUnknown(condA, "Wait", "w", at) },
		// Initialized Unknown an hour before t0: Unknown -> Unknown is no transition.
		want: cond(condA, corev1.ConditionUnknown, "Wait", "w", t0.Add(-time.Hour)),
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := &Status{}
			m := testSet.Manage(s)
			m.InitializeConditions(t0.Add(-time.Hour))
			tc.first(m, t0)
			tc.second(m, t1)
			if diff := cmp.Diff(tc.want, *s.GetCondition(condA)); diff != "" {
				t.Errorf("A (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRepeatedReconcileIsIdempotent(t *testing.T) {
	reconcile := func(s *Status, now time.Time) {
		m := testSet.Manage(s)
		m.InitializeConditions(now)
		m.MarkTrue(condA, now)
		m.MarkUnknown(condB, "Deploying", "pods starting", now)
	}
	s := &Status{}
	reconcile(s, t0)
	want := s.DeepCopy()
	reconcile(s, t1)
	if diff := cmp.Diff(want, s); diff != "" {
		t.Errorf("second reconcile changed status (-first +second):\n%s", diff)
	}
}
