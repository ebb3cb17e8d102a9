package resources

import (
	"encoding/json"
	"time"

	"k8s.io/utils/ptr"

	servingv1 "github.com/knsim/knsim/system/apis/serving/v1"
)

// RolloutAnnotation holds a gradual rollout in progress in Route status.
const RolloutAnnotation = "serving.knative.dev/rollout"

// RolloutSteps is how many equal steps a rollout takes after its first 1%:
// 1 -> 26 -> 51 -> 76 -> 100 for a target of 100.
const RolloutSteps = 4

// Rollout moves a latestRevision target from one revision to the next.
type Rollout struct {
	Configuration string    `json:"configurationName"`
	From          string    `json:"from"`
	To            string    `json:"to"`
	Start         time.Time `json:"start"`
	Percent       int64     `json:"percent"`
}

// RolloutDuration reads serving.knative.dev/rollout-duration, a Go
// duration as the webhook admits it ("380s", "2m", "1m30s"); 0 means no
// gradual rollout. As in Knative's route, an invalid value (refused at
// admission) counts as none.
func RolloutDuration(annotations map[string]string) time.Duration {
	d, err := time.ParseDuration(annotations[servingv1.RolloutDurationKey])
	if err != nil || d <= 0 {
		return 0
	}
	return d
}

// NewPercent is the share the new revision has at now: 1% at the start,
// then RolloutSteps equal steps to the target, the last at the duration.
func (r Rollout) NewPercent(now time.Time, d time.Duration) int64 {
	el := now.Sub(r.Start)
	if el >= d || r.Percent <= 1 {
		return r.Percent
	}
	step := int64(el / (d / RolloutSteps))
	size := (r.Percent - 1 + RolloutSteps - 1) / RolloutSteps // ceil((percent-1)/steps)
	return min(r.Percent, 1+step*size)
}

// NextStep is how long after now the percent changes next.
func (r Rollout) NextStep(now time.Time, d time.Duration) time.Duration {
	interval := d / RolloutSteps
	el := now.Sub(r.Start)
	next := (el/interval + 1) * interval
	return next - el
}

// ApplyRollouts rewrites resolved traffic for the rollouts in progress (read
// from status annotations) and starts new ones where a latestRevision target
// moved to a new revision since prev. It returns the traffic, the rollouts
// still running and when to look again.
func ApplyRollouts(rt *servingv1.Route, traffic, prev []servingv1.TrafficTarget, now time.Time) ([]servingv1.TrafficTarget, []Rollout, time.Duration) {
	d := RolloutDuration(rt.Annotations)
	if d == 0 {
		return traffic, nil, 0
	}
	running := map[string]Rollout{}
	var list []Rollout
	if s := rt.Status.Annotations[RolloutAnnotation]; s != "" && json.Unmarshal([]byte(s), &list) == nil {
		for _, r := range list {
			running[r.Configuration] = r
		}
	}
	prevRev := map[string]string{}
	for _, t := range prev {
		if ptr.Deref(t.LatestRevision, false) && t.Tag == "" {
			if _, seen := prevRev[""]; !seen {
				prevRev[""] = t.RevisionName
			}
		}
	}
	var out []servingv1.TrafficTarget
	var keep []Rollout
	requeue := time.Duration(0)
	for i, t := range traffic {
		cfg := rt.Spec.Traffic[i].ConfigurationName
		if !ptr.Deref(t.LatestRevision, false) || t.Tag != "" {
			out = append(out, t)
			continue
		}
		ro, ok := running[cfg]
		if ok && ro.To != t.RevisionName {
			ok = false // superseded by a newer revision: start again from the latest one
			ro = Rollout{}
		}
		if !ok {
			from := prevRev[""]
			if from == "" || from == t.RevisionName {
				out = append(out, t)
				continue
			}
			ro = Rollout{Configuration: cfg, From: from, To: t.RevisionName, Start: now, Percent: ptr.Deref(t.Percent, 0)}
		}
		newPct := ro.NewPercent(now, d)
		if newPct >= ro.Percent {
			out = append(out, t)
			continue
		}
		oldT, newT := t, t
		oldT.RevisionName, oldT.Percent = ro.From, ptr.To(ro.Percent-newPct)
		newT.Percent = ptr.To(newPct)
		out = append(out, oldT, newT)
		keep = append(keep, ro)
		if n := ro.NextStep(now, d); requeue == 0 || n < requeue {
			requeue = n
		}
	}
	return out, keep, requeue
}
