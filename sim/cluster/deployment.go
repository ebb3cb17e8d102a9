package cluster

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
)

// deploymentReconciler plays the Deployment and ReplicaSet controllers, the
// scheduler and the kubelets for one Deployment at a time.
type deploymentReconciler struct {
	client.Client
	cluster *Cluster
	reader  client.Reader
	// pollNodes reads the nodes at every reconcile, for callers that run
	// no node watch (see Reconciler).
	pollNodes bool
	// nodesChanged, when set, tells whether a Node was written since it
	// was last asked; nodes are polled only then.
	nodesChanged func() bool
	// concurrency bounds the pods written at once (see forEachPod).
	concurrency int
	// burst, when positive, bounds the pods one reconcile creates (see
	// budget).
	burst int
	// freshness, when set, makes pod lists cheap but fresh enough (see
	// podFreshness); cache, when set too, serves them once it holds the
	// emulation's writes.
	freshness *podFreshness
	cache     client.Reader
	// hashes remembers each Deployment's last template and its hash:
	// hashing encodes the whole template, comparing it is cheaper.
	hashes templateHashes
}

// templateHashes is a memo of template hashes by Deployment.
type templateHashes struct {
	mu sync.Mutex
	m  map[types.NamespacedName]hashedTemplate
}

type hashedTemplate struct {
	uid        types.UID
	generation int64
	tmpl       *corev1.PodTemplateSpec
	hash       string
}

// of returns the hash of d's pod template. A stored object's generation
// moves whenever its spec changes, so the same UID and generation mean the
// same template; objects without a generation compare templates.
func (h *templateHashes) of(d *appsv1.Deployment) string {
	k := types.NamespacedName{Namespace: d.Namespace, Name: d.Name}
	h.mu.Lock()
	last, ok := h.m[k]
	h.mu.Unlock()
	switch {
	case !ok:
	case d.Generation != 0 && last.uid == d.UID && last.generation == d.Generation:
		return last.hash
	case reflect.DeepEqual(last.tmpl, &d.Spec.Template):
		last.uid, last.generation = d.UID, d.Generation
		h.mu.Lock()
		h.m[k] = last
		h.mu.Unlock()
		return last.hash
	}
	hashed := hashedTemplate{uid: d.UID, generation: d.Generation, tmpl: d.Spec.Template.DeepCopy(), hash: templateHash(d)}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.m == nil {
		h.m = map[types.NamespacedName]hashedTemplate{}
	}
	h.m[k] = hashed
	return hashed.hash
}

// forget drops a deleted Deployment's entry.
func (h *templateHashes) forget(k types.NamespacedName) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.m, k)
}

// pass is one reconcile of one Deployment.
type pass struct {
	r     *deploymentReconciler
	c     *Cluster
	d     *appsv1.Deployment
	owner types.NamespacedName
	now   time.Time
	next  time.Time // earliest instant after now something is due
	// buffered passes (see forEachPod) keep their pod events in events.
	buffered bool
	events   []PodEvent
	hash     string // the template's hash, once computed (templateHash)
	// short is set when the Deployment lacks pods it will create only once
	// capacity frees (see budget).
	short bool
}

// templateHash is the hash of the Deployment's pod template, computed once
// per pass: hashing marshals the whole template.
func (p *pass) templateHash() string {
	if p.hash == "" {
		p.hash = p.r.hashes.of(p.d)
	}
	return p.hash
}

// wakeAt asks for another reconcile at t.
func (p *pass) wakeAt(t time.Time) {
	if !t.IsZero() && !t.After(p.now) {
		t = p.now.Add(time.Nanosecond)
	}
	p.next = earliest(p.next, t)
}

// Reconcile implements reconcile.Reconciler. In order it: deletes pods of
// lost nodes, ends finished drains, scales down, retries pending pods,
// scales up, walks bound pods through their kubelet stages and writes the
// Deployment's status, then asks to run again when the next stage is due.
func (r *deploymentReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	p := &pass{r: r, c: r.cluster, owner: req.NamespacedName, now: r.cluster.cfg.Clock.Now()}
	p.d = &appsv1.Deployment{}
	if err := r.Get(ctx, req.NamespacedName, p.d); err != nil {
		if apierrors.IsNotFound(err) {
			return ctrl.Result{}, p.collectOrphans(ctx)
		}
		return ctrl.Result{}, err
	}
	if p.d.DeletionTimestamp != nil {
		return ctrl.Result{}, p.deleting(ctx)
	}
	if err := p.run(ctx); err != nil {
		return ctrl.Result{}, fmt.Errorf("reconciling deployment %s: %w", req, err)
	}
	if !p.next.IsZero() {
		return ctrl.Result{RequeueAfter: p.next.Sub(p.now)}, nil
	}
	return ctrl.Result{}, nil
}

func (p *pass) run(ctx context.Context) error {
	pods, err := p.ownedPods(ctx)
	if err != nil {
		return err
	}
	p.c.syncOwner(p.owner, pods)
	if p.r.pollNodes && (p.r.nodesChanged == nil || p.r.nodesChanged()) {
		if err := p.c.pollNodes(ctx, p.r.reader); err != nil {
			return err
		}
	}
	if pods, err = p.dropLost(ctx, pods); err != nil {
		return err
	}
	if pods, err = p.drain(ctx, pods); err != nil {
		return err
	}
	active := slices.DeleteFunc(slices.Clone(pods), isTerminating)
	if active, err = p.scaleDown(ctx, active); err != nil {
		return err
	}
	if err := p.schedulePending(ctx, active); err != nil {
		return err
	}
	if active, err = p.scaleUp(ctx, active, pods); err != nil {
		return err
	}
	if p.c.isGone(p.owner, p.d.UID) {
		return nil // deleted meanwhile: the next reconcile collects its pods
	}
	if err := p.runKubelets(ctx, active); err != nil {
		return err
	}
	unscheduled := slices.DeleteFunc(slices.Clone(active), func(pod *corev1.Pod) bool { return pod.Spec.NodeName != "" })
	p.c.setPending(p.owner, len(unscheduled) > 0 || p.short)
	if rs := p.c.rounds; rs != nil {
		rs.wait(p.c, p.owner, unscheduled)
	}
	return p.updateStatus(ctx, active)
}

// ownedPods lists the Deployment's pods straight from the apiserver (see
// podFreshness), so a lagging cache never makes the emulation create or
// delete a pod twice, in ordinal order. Pods left by an earlier Deployment of the same name are
// deleted.
func (p *pass) ownedPods(ctx context.Context) ([]*corev1.Pod, error) {
	sel, err := metav1.LabelSelectorAsSelector(p.d.Spec.Selector)
	if err != nil {
		return nil, fmt.Errorf("bad selector: %w", err)
	}
	var list corev1.PodList
	if err := p.r.listPods(ctx, &list, client.InNamespace(p.d.Namespace), client.MatchingLabelsSelector{Selector: sel}); err != nil {
		return nil, fmt.Errorf("listing pods: %w", err)
	}
	var out []*corev1.Pod
	for i := range list.Items {
		pod := &list.Items[i]
		ref := metav1.GetControllerOf(pod)
		switch {
		case ref == nil || ref.Kind != "Deployment" || ref.Name != p.d.Name:
		case ref.UID == p.d.UID:
			out = append(out, pod)
		default:
			if err := p.delete(ctx, pod, DeletedOrphaned); err != nil {
				return nil, err
			}
		}
	}
	slices.SortFunc(out, func(a, b *corev1.Pod) int { return ordinal(a) - ordinal(b) })
	return out, nil
}

// deleting handles a Deployment being deleted (a finalizer holds it): it
// gets no more pods. With the foregroundDeletion finalizer (kubectl delete
// --cascade=foreground) its pods are deleted and then the finalizer
// removed, as the garbage collector does, which envtest lacks; with
// another finalizer its pods are left as they are until it is gone.
func (p *pass) deleting(ctx context.Context) error {
	p.c.markGone(p.owner, p.d.UID)
	if !controllerutil.ContainsFinalizer(p.d, metav1.FinalizerDeleteDependents) {
		return nil
	}
	pods, err := p.ownedPods(ctx)
	if err != nil {
		return err
	}
	for _, pod := range pods {
		if err := p.delete(ctx, pod, DeletedOrphaned); err != nil {
			return err
		}
	}
	p.forgetOwner()
	controllerutil.RemoveFinalizer(p.d, metav1.FinalizerDeleteDependents)
	if err := p.r.Update(ctx, p.d); err != nil {
		return ignoreGone(err, "removing the %s finalizer of deployment %s", metav1.FinalizerDeleteDependents, p.owner)
	}
	return nil
}

// forgetOwner drops what the emulation holds for owner's pods: its plans,
// its waiting pods and its capacity.
func (p *pass) forgetOwner() {
	p.c.setPending(p.owner, false)
	if p.c.rounds != nil {
		p.c.rounds.drop(p.c, p.owner)
		p.c.rounds.wait(p.c, p.owner, nil)
	}
	p.c.syncOwner(p.owner, nil)
}

// collectOrphans deletes the pods of a deleted Deployment, as the garbage
// collector would.
func (p *pass) collectOrphans(ctx context.Context) error {
	p.r.hashes.forget(p.owner)
	p.c.setPending(p.owner, false)
	if p.c.rounds != nil {
		p.c.rounds.drop(p.c, p.owner)
		p.c.rounds.wait(p.c, p.owner, nil)
	}
	var list corev1.PodList
	if err := p.r.listPods(ctx, &list, client.InNamespace(p.owner.Namespace)); err != nil {
		return fmt.Errorf("listing pods: %w", err)
	}
	for i := range list.Items {
		pod := &list.Items[i]
		if ref := metav1.GetControllerOf(pod); ref != nil && ref.Kind == "Deployment" && ref.Name == p.owner.Name {
			if err := p.delete(ctx, pod, DeletedOrphaned); err != nil {
				return err
			}
		}
	}
	p.c.syncOwner(p.owner, nil)
	p.c.forgetGone(p.owner)
	return nil
}

// scaleDown terminates the pods beyond spec.replicas (see victims). During a
// rollout, pods of an older template are kept only while the current
// template's ready pods fall short of spec.replicas. It returns the pods
// that stay active.
func (p *pass) scaleDown(ctx context.Context, active []*corev1.Pod) ([]*corev1.Pod, error) {
	want := int(ptr.Deref(p.d.Spec.Replicas, 1))
	hash := p.templateHash()
	var cur, old []*corev1.Pod
	for _, pod := range active {
		if pod.Labels[podTemplateHashLabel] == hash {
			cur = append(cur, pod)
		} else {
			old = append(old, pod)
		}
	}
	drop := victims(cur, len(cur)-want)
	readyCur := 0
	for _, pod := range cur {
		if IsReady(pod) && !slices.Contains(drop, pod) {
			readyCur++
		}
	}
	drop = append(drop, victims(old, len(old)-max(0, want-readyCur))...)
	for _, pod := range drop {
		if err := p.terminate(ctx, pod); err != nil {
			return nil, err
		}
	}
	return slices.DeleteFunc(active, func(pod *corev1.Pod) bool { return slices.Contains(drop, pod) }), nil
}

// scaleUp creates pods of the current template until there are
// spec.replicas of them, scheduling each at once when a node fits. all are
// every existing pod, whose ordinals new names must not reuse. A pass
// creates at most budget's count; the rest come in a later pass, at once
// when only the burst held them back, else when capacity frees (the
// Deployment is then recorded as waiting, see setPending).
func (p *pass) scaleUp(ctx context.Context, active, all []*corev1.Pod) ([]*corev1.Pod, error) {
	want := int(ptr.Deref(p.d.Spec.Replicas, 1))
	hash := p.templateHash()
	have := 0
	for _, pod := range active {
		if pod.Labels[podTemplateHashLabel] == hash {
			have++
		}
	}
	minNext := 0
	for _, pod := range all {
		minNext = max(minNext, ordinal(pod)+1)
	}
	need := want - have
	if need <= 0 {
		if p.c.rounds != nil {
			p.c.rounds.drop(p.c, p.owner)
		}
		return active, nil
	}
	// Ordinals, scheduling decisions and addresses are taken in ordinal
	// order first (by a round, see round.go, when rounds are on); then the
	// pods are created (concurrently, see forEachPod).
	var pods []*corev1.Pod
	var placed []placement
	if rs := p.c.rounds; rs != nil {
		pl := rs.planned(p.c, p.owner, hash)
		switch {
		case pl == nil:
			if n := p.budget(active, need); n > 0 {
				rs.propose(p.owner, hash, p.makePods(hash, n, minNext))
			} else {
				p.short = true
			}
			return active, nil
		case !pl.decided:
			return active, nil // the round is due at this instant
		}
		pods, placed = rs.take(p.c, p.owner, need)
	} else {
		pods = p.makePods(hash, p.budget(active, need), minNext)
		for _, pod := range pods {
			placed = append(placed, p.c.place(p.owner, pod, p.now))
		}
	}
	for _, pl := range placed {
		if pl.err != nil {
			for _, pod := range pods {
				p.c.release(keyOf(pod))
			}
			return nil, pl.err
		}
	}
	byPod := make(map[*corev1.Pod]placement, len(pods))
	for i, pod := range pods {
		byPod[pod] = placed[i]
	}
	created, err := p.slowStart(ctx, pods, func(q *pass, pod *corev1.Pod) error {
		np := byPod[pod]
		if err := q.r.Create(ctx, pod); err != nil {
			q.c.release(keyOf(pod))
			return fmt.Errorf("creating pod %s: %w", pod.Name, err)
		}
		q.emit(podEvent(q.now, keyOf(pod), q.owner, "", StageCreated, ""))
		if np.unsched != nil {
			return q.markUnschedulable(ctx, pod, np.unsched.message)
		}
		return q.runKubelet(ctx, pod, np.b.podIP)
	})
	if err != nil {
		// Reservations of pods not created are released by the next
		// reconcile's syncOwner, which finds them missing.
		return nil, err
	}
	active = append(active, created...)
	if len(created) < len(pods) {
		return active, nil // the Deployment went: no more pods
	}
	if rest := need - len(pods); rest > 0 {
		// Short still: another pass at once if it may create more (the
		// burst or an old plan held them back), else when capacity frees.
		if p.budget(active, rest) > 0 {
			p.wakeAt(p.now)
		} else {
			p.short = true
		}
	}
	return active, nil
}

// budget returns how many of the need missing pods a pass creates: at most
// the burst (manager-run emulation), and, unless the template names its
// node, at most what the nodes can take now plus what the Deployment's
// unscheduled pods among active leave of MaxPendingPods.
func (p *pass) budget(active []*corev1.Pod, need int) int {
	n := need
	if p.r.burst > 0 {
		n = min(n, p.r.burst)
	}
	if p.d.Spec.Template.Spec.NodeName != "" {
		return n
	}
	unscheduled := 0
	for _, pod := range active {
		if pod.Spec.NodeName == "" {
			unscheduled++
		}
	}
	room := max(0, p.c.maxPending-unscheduled)
	if n <= room {
		return n
	}
	return room + p.c.admissible(&p.d.Spec.Template.Spec, n-room)
}

// slowStart creates pods with fn as the ReplicaSet controller's
// slowStartBatch does: in batches of 1, 2, 4, ... (each written
// concurrently, see forEachPod), stopping at the first error. Before each
// batch after the first it checks that the Deployment was not deleted
// meanwhile (see markGone) and that ctx is live; when either fails it
// stops, gives back the capacity reserved for the pods not created and
// returns those created.
func (p *pass) slowStart(ctx context.Context, pods []*corev1.Pod, fn func(q *pass, pod *corev1.Pod) error) ([]*corev1.Pod, error) {
	done := 0
	for batch := 1; done < len(pods); batch *= 2 {
		if done > 0 && (p.c.isGone(p.owner, p.d.UID) || ctx.Err() != nil) {
			for _, pod := range pods[done:] {
				p.c.release(keyOf(pod))
			}
			return pods[:done], ctx.Err()
		}
		end := min(len(pods), done+batch)
		if err := p.forEachPod(pods[done:end], fn); err != nil {
			return pods[:end], err
		}
		done = end
	}
	return pods, nil
}

// makePods makes n new pods of the current template, in ordinal order from
// minNext.
func (p *pass) makePods(hash string, n, minNext int) []*corev1.Pod {
	pods := make([]*corev1.Pod, n)
	for i := range pods {
		ord, _ := p.c.nextPod(p.owner.String(), minNext)
		pods[i] = makePod(p.d, hash, ord, p.now)
	}
	return pods
}

// updateStatus writes the Deployment's status when it changed.
func (p *pass) updateStatus(ctx context.Context, active []*corev1.Pod) error {
	st, next := deploymentStatus(p.d, active, p.templateHash(), p.now)
	p.wakeAt(next)
	if equality.Semantic.DeepEqual(p.d.Status, st) {
		return nil
	}
	p.d.Status = st
	if err := p.r.Status().Update(ctx, p.d); err != nil {
		return fmt.Errorf("updating status: %w", err)
	}
	return nil
}

func keyOf(pod *corev1.Pod) types.NamespacedName {
	return types.NamespacedName{Namespace: pod.Namespace, Name: pod.Name}
}
