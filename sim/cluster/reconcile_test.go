package cluster

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	clocktesting "k8s.io/utils/clock/testing"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/knsim/knsim/sim/distribution"
)

// harness runs the reconciler against an in-memory store on a fake clock,
// as a control plane without watches would (see Cluster.Reconciler).
type harness struct {
	t      *testing.T
	c      *Cluster
	store  client.Client
	clock  *clocktesting.FakeClock
	r      reconcile.Reconciler
	events []string
}

func newHarness(t *testing.T, cfg Config) *harness {
	t.Helper()
	scheme := runtime.NewScheme()
	if err := clientgoscheme.AddToScheme(scheme); err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, clock: clocktesting.NewFakeClock(t0)}
	h.store = fake.NewClientBuilder().WithScheme(scheme).
		WithStatusSubresource(&appsv1.Deployment{}, &corev1.Pod{}, &corev1.Node{}).Build()
	cfg.Clock = h.clock
	cfg.OnPodEvent = func(e PodEvent) {
		h.events = append(h.events, fmt.Sprintf("%s %s %s %s %s", e.Time.Sub(t0), e.Pod, e.Node, e.Stage, e.Reason))
	}
	var err error
	if h.c, err = New(cfg); err != nil {
		t.Fatal(err)
	}
	h.r = h.c.Reconciler(h.store, h.store)
	if err := h.c.EnsureNodes(context.Background(), h.store); err != nil {
		t.Fatal(err)
	}
	return h
}

// settle reconciles every Deployment until nothing is due now, then returns
// when the earliest requeue is due (zero if none).
func (h *harness) settle() time.Duration {
	h.t.Helper()
	var next time.Duration
	for range 3 { // a pass may free capacity another Deployment waits for
		next = 0
		var list appsv1.DeploymentList
		if err := h.store.List(context.Background(), &list); err != nil {
			h.t.Fatal(err)
		}
		for _, d := range list.Items {
			res, err := h.r.Reconcile(context.Background(), reconcile.Request{NamespacedName: client.ObjectKeyFromObject(&d)})
			if err != nil {
				h.t.Fatalf("reconciling %s: %v", d.Name, err)
			}
			if res.RequeueAfter > 0 && (next == 0 || res.RequeueAfter < next) {
				next = res.RequeueAfter
			}
		}
	}
	return next
}

// runFor advances the clock by d, reconciling at every instant something is due.
func (h *harness) runFor(d time.Duration) {
	end := h.clock.Now().Add(d)
	for {
		next := h.settle()
		if next == 0 || h.clock.Now().Add(next).After(end) {
			break
		}
		h.clock.Step(next)
	}
	h.clock.SetTime(end)
	h.settle()
}

func (h *harness) create(d *appsv1.Deployment) {
	if err := h.store.Create(context.Background(), d); err != nil {
		h.t.Fatal(err)
	}
}

func (h *harness) pods(app string) []corev1.Pod {
	var list corev1.PodList
	if err := h.store.List(context.Background(), &list, client.MatchingLabels{"app": app}); err != nil {
		h.t.Fatal(err)
	}
	return list.Items
}

func testDeploymentCPU(name string, replicas int32, cpu string) *appsv1.Deployment {
	labels := map[string]string{"app": name}
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default", UID: types.UID("uid-" + name)},
		Spec: appsv1.DeploymentSpec{
			Replicas: ptr.To(replicas),
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: name,
					Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(cpu)}}}}},
			},
		},
	}
}

var smallNodes = []NodePool{{Count: 2, CPU: resource.MustParse("1")}}

func TestReconcileDeterministic(t *testing.T) {
	run := func(seed uint64) string {
		h := newHarness(t, Config{Seed: seed, NodePools: smallNodes, ImagePull: distribution.LogNormalDuration(0, 0.5), ContainerStart: distribution.ExponentialDuration(time.Second)})
		h.create(testDeploymentCPU("web", 3, "300m"))
		h.runFor(time.Minute)
		for _, p := range h.pods("web") {
			if !IsReady(&p) {
				t.Fatalf("pod %s not ready after a minute: %+v", p.Name, p.Status)
			}
		}
		return strings.Join(h.events, "\n")
	}
	a := run(1)
	if b := run(1); a != b {
		t.Fatalf("same seed, different timelines:\n%s\n---\n%s", a, b)
	}
	if a == run(2) {
		t.Fatal("different seeds gave the same timeline")
	}
}

func TestReconcileKillAndRestoreNode(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, Config{NodePools: smallNodes})
	h.create(testDeploymentCPU("web", 2, "600m"))
	h.runFor(10 * time.Second)
	pods := h.pods("web")
	if len(pods) != 2 || pods[0].Spec.NodeName == pods[1].Spec.NodeName {
		t.Fatalf("want one pod per node, got %d pods", len(pods))
	}
	victim := pods[0]
	if err := h.c.KillNode(ctx, victim.Spec.NodeName); err != nil {
		t.Fatal(err)
	}
	node := &corev1.Node{}
	if err := h.store.Get(ctx, client.ObjectKey{Name: victim.Spec.NodeName}, node); err != nil {
		t.Fatal(err)
	}
	if len(node.Spec.Taints) != 2 || node.Spec.Taints[0].Key != taintUnreachable || readyCondition(node) != corev1.ConditionUnknown {
		t.Fatalf("killed node: taints %+v, ready %s", node.Spec.Taints, readyCondition(node))
	}
	h.runFor(time.Second)
	pods = h.pods("web")
	var pending *corev1.Pod
	for i := range pods {
		if pods[i].Name == victim.Name {
			t.Fatalf("the dead node's pod %s is still there", victim.Name)
		}
		if pods[i].Spec.NodeName == "" {
			pending = &pods[i]
		}
	}
	if pending == nil {
		t.Fatalf("no replacement pending: %+v", pods)
	}
	if msg, _, _ := schedulingMessage(pending); msg != "0/2 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }." {
		t.Fatalf("replacement message %q", msg)
	}
	if s := h.c.Snapshot(); s.Nodes[0].Ready == s.Nodes[1].Ready || len(s.Pending) != 1 {
		t.Fatalf("snapshot %+v", s)
	}

	if err := h.c.RestoreNode(ctx, victim.Spec.NodeName); err != nil {
		t.Fatal(err)
	}
	h.runFor(10 * time.Second)
	for _, p := range h.pods("web") {
		if !IsReady(&p) {
			t.Fatalf("pod %s not ready after the node came back", p.Name)
		}
	}
	want := []string{victim.Spec.NodeName + " Deleted NodeLost", " Created ", " Unschedulable 0/2", victim.Spec.NodeName + " Scheduled", " Ready "}
	log := strings.Join(h.events, "\n")
	at := 0
	for _, w := range want {
		i := strings.Index(log[at:], w)
		if i < 0 {
			t.Fatalf("events lack %q after offset %d:\n%s", w, at, log)
		}
		at += i
	}
	if err := h.c.KillNode(ctx, "nope"); err == nil {
		t.Fatal("killing an unknown node succeeded")
	}
}

func readyCondition(n *corev1.Node) corev1.ConditionStatus {
	for _, c := range n.Status.Conditions {
		if c.Type == corev1.NodeReady {
			return c.Status
		}
	}
	return ""
}

func TestReconcileProgressDeadline(t *testing.T) {
	h := newHarness(t, Config{NodePools: smallNodes})
	d := testDeploymentCPU("huge", 1, "2")
	d.Spec.ProgressDeadlineSeconds = ptr.To[int32](30)
	h.create(d)
	h.runFor(29 * time.Second)
	progressing := func() *appsv1.DeploymentCondition {
		got := &appsv1.Deployment{}
		if err := h.store.Get(context.Background(), client.ObjectKeyFromObject(d), got); err != nil {
			t.Fatal(err)
		}
		return condition(got.Status.Conditions, appsv1.DeploymentProgressing)
	}
	if c := progressing(); c == nil || c.Status != corev1.ConditionTrue {
		t.Fatalf("before the deadline: %+v", c)
	}
	h.runFor(2 * time.Second)
	if c := progressing(); c == nil || c.Status != corev1.ConditionFalse || c.Reason != "ProgressDeadlineExceeded" {
		t.Fatalf("after the deadline: %+v", c)
	}
	if p := h.pods("huge"); len(p) != 1 || p[0].Status.Phase != corev1.PodPending {
		t.Fatalf("pods %+v", p)
	}
}
