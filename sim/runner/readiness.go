package runner

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/knsim/knsim/sim/cluster"
	"github.com/knsim/knsim/sim/expect"
	"github.com/knsim/knsim/sim/results"
	autoscalingv1alpha1 "github.com/knsim/knsim/system/apis/autoscaling/v1alpha1"
	"github.com/knsim/knsim/system/apis/duck"
	networkingv1alpha1 "github.com/knsim/knsim/system/apis/networking/v1alpha1"
	servingv1 "github.com/knsim/knsim/system/apis/serving/v1"
)

// readiness follows every Knative Service the run creates on its way to
// Ready, stage by stage (results.ReadyStages), as kperf measures it. A
// stage's time is the virtual instant the runner first saw it after the
// control plane settled: every reaction to an instant settles before the
// clock moves on, so that is when it happened, on either control plane
// (conditions' lastTransitionTime keeps only seconds on envtest).
type readiness struct {
	services map[types.NamespacedName]*serviceWay
	order    []*serviceWay
	// waiting are the Services not yet Ready, read again at every sync.
	waiting []*serviceWay
	// look says an apply may have created Services since the last sync.
	look bool
	// pods holds the first Scheduled and Started instant of each
	// revision's pods, as the cluster reports them (under the run's lock).
	pods map[types.NamespacedName]*[2]time.Duration
}

// serviceWay is one Service's stage times, from the start of the run.
type serviceWay struct {
	key      types.NamespacedName
	created  time.Duration
	revision string
	at       []time.Duration // as results.ReadyStages; -1 until reached
}

// Indexes into results.ReadyStages.
var (
	stConfiguration = slices.Index(results.ReadyStages, results.StageConfiguration)
	stRevision      = slices.Index(results.ReadyStages, results.StageRevision)
	stDeployment    = slices.Index(results.ReadyStages, results.StageDeployment)
	stScheduled     = slices.Index(results.ReadyStages, results.StageScheduled)
	stStarted       = slices.Index(results.ReadyStages, results.StageStarted)
	stAutoscaler    = slices.Index(results.ReadyStages, results.StageAutoscaler)
	stSKS           = slices.Index(results.ReadyStages, results.StageSKS)
	stRoute         = slices.Index(results.ReadyStages, results.StageRoute)
	stReady         = slices.Index(results.ReadyStages, results.StageReady)
)

func newReadiness() *readiness {
	return &readiness{services: map[types.NamespacedName]*serviceWay{}, look: true,
		pods: map[types.NamespacedName]*[2]time.Duration{}}
}

// wantsReadiness reports whether an expectation names a ready.* metric,
// which makes the run record the breakdown without being asked.
func wantsReadiness(exprs []*expect.Expr) bool {
	for _, e := range exprs {
		for _, r := range e.Refs() {
			if strings.HasPrefix(r.Metric, "ready.") {
				return true
			}
		}
	}
	return false
}

// applied notes that manifests were applied: new Services may exist.
func (rd *readiness) applied() {
	if rd != nil {
		rd.look = true
	}
}

// onPod notes the first pod of a revision reaching Scheduled and Started;
// t is from the start of the run.
func (rd *readiness) onPod(e cluster.PodEvent, t time.Duration) {
	i := 0
	switch e.Stage {
	case cluster.StageScheduled:
	case cluster.StageStarted:
		i = 1
	default:
		return
	}
	// Reserve instances (<rev>-reserve) are not the Service's way to Ready.
	name, ok := strings.CutSuffix(e.Deployment, "-deployment")
	if !ok {
		return
	}
	rev := types.NamespacedName{Namespace: e.Namespace, Name: name}
	p := rd.pods[rev]
	if p == nil {
		p = &[2]time.Duration{-1, -1}
		rd.pods[rev] = p
	}
	if p[i] < 0 {
		p[i] = t
	}
}

// sync reads the control plane after it settled at now (from the start of
// the run): new Services, and the stages the waiting ones reached.
func (rd *readiness) sync(ctx context.Context, c client.Reader, now time.Duration) error {
	if rd.look {
		rd.look = false
		var l servingv1.ServiceList
		if err := c.List(ctx, &l); err != nil {
			return err
		}
		var added []*serviceWay
		for i := range l.Items {
			key := types.NamespacedName{Namespace: l.Items[i].Namespace, Name: l.Items[i].Name}
			if _, ok := rd.services[key]; ok {
				continue
			}
			w := &serviceWay{key: key, created: now, at: make([]time.Duration, len(results.ReadyStages))}
			for j := range w.at {
				w.at[j] = -1
			}
			rd.services[key] = w
			added = append(added, w)
		}
		slices.SortFunc(added, func(a, b *serviceWay) int { return strings.Compare(a.key.String(), b.key.String()) })
		rd.order = append(rd.order, added...)
		rd.waiting = append(rd.waiting, added...)
	}
	still := rd.waiting[:0]
	for _, w := range rd.waiting {
		if err := rd.observe(ctx, c, w, now); err != nil {
			return err
		}
		if w.at[stReady] < 0 {
			still = append(still, w)
		}
	}
	clear(rd.waiting[len(still):])
	rd.waiting = still
	return nil
}

// observe records the stages w reached by now.
func (rd *readiness) observe(ctx context.Context, c client.Reader, w *serviceWay, now time.Duration) error {
	reach := func(stage int, ok bool) {
		if ok && w.at[stage] < 0 {
			w.at[stage] = now - w.created
		}
	}
	get := func(name string, obj client.Object) (bool, error) {
		err := c.Get(ctx, types.NamespacedName{Namespace: w.key.Namespace, Name: name}, obj)
		return err == nil, client.IgnoreNotFound(err)
	}
	cfg := &servingv1.Configuration{}
	found, err := get(w.key.Name, cfg)
	if err != nil {
		return err
	}
	if found {
		reach(stConfiguration, cfg.Status.IsReady())
		if w.revision == "" && cfg.Status.LatestCreatedRevisionName != "" {
			w.revision = cfg.Status.LatestCreatedRevisionName
			reach(stRevision, true)
		}
	}
	if w.revision != "" {
		if w.at[stDeployment] < 0 {
			found, err := get(w.revision+"-deployment", &appsv1.Deployment{})
			if err != nil {
				return err
			}
			reach(stDeployment, found)
		}
		if w.at[stAutoscaler] < 0 {
			pa := &autoscalingv1alpha1.PodAutoscaler{}
			found, err := get(w.revision, pa)
			if err != nil {
				return err
			}
			reach(stAutoscaler, found && pa.Status.GetCondition(autoscalingv1alpha1.PodAutoscalerConditionActive).IsTrue())
		}
		if w.at[stSKS] < 0 {
			sks := &networkingv1alpha1.ServerlessService{}
			found, err := get(w.revision, sks)
			if err != nil {
				return err
			}
			reach(stSKS, found && sks.Status.GetCondition(duck.ConditionReady).IsTrue())
		}
	}
	if w.at[stRoute] < 0 {
		rt := &servingv1.Route{}
		found, err := get(w.key.Name, rt)
		if err != nil {
			return err
		}
		reach(stRoute, found && rt.Status.IsReady())
	}
	svc := &servingv1.Service{}
	found, err = get(w.key.Name, svc)
	if err != nil {
		return err
	}
	reach(stReady, found && svc.Status.IsReady())
	return nil
}

// times returns every Service's stage times, pods' stages filled in from
// the cluster's reports.
func (rd *readiness) times() []results.StageTimes {
	out := make([]results.StageTimes, 0, len(rd.order))
	for _, w := range rd.order {
		at := slices.Clone(w.at)
		if p := rd.pods[types.NamespacedName{Namespace: w.key.Namespace, Name: w.revision}]; w.revision != "" && p != nil {
			for i, st := range []int{stScheduled, stStarted} {
				if p[i] >= w.created {
					at[st] = p[i] - w.created
				}
			}
		}
		out = append(out, results.StageTimes{Namespace: w.key.Namespace, Service: w.key.Name, Revision: w.revision, Created: w.created, At: at})
	}
	return out
}

// readyMetric answers ready.services, ready.count, ready.share, ready.<stat>
// (the Service's Ready) and ready.<stage>.<stat>. With at(t) it counts the
// Services created by t and the stages reached by t.
func (l *lookup) readyMetric(name string, scope expect.Scope, at time.Duration) (expect.Value, error) {
	if !l.readyRecorded {
		return expect.Value{}, fmt.Errorf("%s: this run did not record the Service-ready breakdown", name)
	}
	if scope.Revision != "" {
		return expect.Value{}, fmt.Errorf("%s takes no revision() scope: the breakdown is per Service", name)
	}
	stage, stat := results.StageReady, strings.TrimPrefix(name, "ready.")
	if s, st, ok := strings.Cut(stat, "."); ok {
		stage, stat = s, st
	}
	i := slices.Index(results.ReadyStages, stage)
	if i < 0 {
		return expect.Value{}, fmt.Errorf("%s: unknown stage %q", name, stage)
	}
	services, ready := 0, 0
	var d []time.Duration
	for _, s := range l.ready {
		if s.Created > at || !matches(scope.Service, s.Namespace+"/"+s.Service) {
			continue
		}
		services++
		if r := s.At[stReady]; r >= 0 && s.Created+r <= at {
			ready++
		}
		if v := s.At[i]; v >= 0 && s.Created+v <= at {
			d = append(d, v)
		}
	}
	switch stat {
	case "services":
		return expect.Num(float64(services)), nil
	case "count":
		return expect.Num(float64(ready)), nil
	case "share":
		if services == 0 {
			return expect.Num(0), nil
		}
		return expect.Num(float64(ready) / float64(services)), nil
	}
	if len(d) == 0 {
		return expect.Value{}, expect.ErrNoData
	}
	return durationMetric(stat, d)
}
