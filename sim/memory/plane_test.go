package memory_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/knsim/knsim/sim/cluster"
	"github.com/knsim/knsim/sim/cluster/clustertest"
	"github.com/knsim/knsim/sim/distribution"
	"github.com/knsim/knsim/sim/engine"
	"github.com/knsim/knsim/sim/memory"
)

// entry is one pod transition relative to the run's start.
type entry struct {
	At                    time.Duration
	Pod, Node, Stage, Why string
}

// start returns a plane whose cluster records its pod events into *out.
func start(t *testing.T, seed uint64, out *[]entry) (*memory.Plane, time.Time) {
	t.Helper()
	eng, err := engine.New(engine.Config{Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	t0 := eng.Now()
	p, err := memory.Start(context.Background(), memory.Config{Engine: eng, Cluster: cluster.Config{
		Seed: seed,
		NodePools: []cluster.NodePool{
			{Name: "web", Count: 4, CPU: resource.MustParse("2"), Memory: resource.MustParse("8Gi")},
		},
		ImagePull:       distribution.LogNormalDuration(0.5, 0.4),
		CachedImagePull: distribution.UniformDuration(10*time.Millisecond, 100*time.Millisecond),
		ContainerStart:  distribution.NormalDuration(800*time.Millisecond, 200*time.Millisecond),
		Readiness:       distribution.ExponentialDuration(1500 * time.Millisecond),
		// The plane settles on one goroutine: events arrive in order.
		OnPodEvent: func(e cluster.PodEvent) {
			*out = append(*out, entry{At: e.Time.Sub(t0), Pod: e.Pod, Node: e.Node, Stage: string(e.Stage), Why: e.Reason})
		},
	}})
	if err != nil {
		t.Fatal(err)
	}
	return p, t0
}

func scale(ctx context.Context, t *testing.T, c client.Client, replicas int32) {
	t.Helper()
	if err := clustertest.SetReplicas(ctx, c, "web", replicas); err != nil {
		t.Fatal(err)
	}
}

// hour runs an hour of virtual cluster activity on the memory plane: the
// Deployment scaled every 3 minutes (past the pool's 16-pod capacity at
// times), a node killed at 26 min and restored at 41 min.
func hour(t *testing.T, seed uint64) ([]entry, time.Duration) {
	ctx := context.Background()
	var out []entry
	p, t0 := start(t, seed, &out)
	wall := time.Now()
	if err := p.Client.Create(ctx, clustertest.Deployment("web", 2, "500m", "")); err != nil {
		t.Fatal(err)
	}
	sizes := []int32{6, 12, 18, 4, 9, 16, 3, 14, 20, 8}
	for k := range 20 {
		if err := p.RunUntil(ctx, t0.Add(time.Duration(k)*3*time.Minute+90*time.Second)); err != nil {
			t.Fatal(err)
		}
		scale(ctx, t, p.Client, sizes[k%len(sizes)])
		switch k {
		case 8:
			if err := p.Cluster.KillNode(ctx, "web-2"); err != nil {
				t.Fatal(err)
			}
		case 13:
			if err := p.Cluster.RestoreNode(ctx, "web-2"); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := p.RunUntil(ctx, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	return out, time.Since(wall)
}

func TestHourIsDeterministic(t *testing.T) {
	a, wa := hour(t, 3)
	b, wb := hour(t, 3)
	t.Logf("1 virtual hour on the memory plane: %s and %s of wall time, %d pod events", wa.Round(time.Millisecond), wb.Round(time.Millisecond), len(a))
	if diff := cmp.Diff(a, b); diff != "" {
		t.Fatalf("two runs with the same seed differ (-first +second):\n%s", diff)
	}
	stages := map[string]int{}
	for _, e := range a {
		stages[e.Stage+" "+e.Why]++
	}
	for _, want := range []string{"Unschedulable", "Deleted NodeLost", "Deleted Drained", "Ready "} {
		found := false
		for k := range stages {
			if strings.HasPrefix(k, want) {
				found = true
			}
		}
		if !found {
			t.Errorf("no %q event in the hour: %v", want, stages)
		}
	}
	c, _ := hour(t, 4)
	if cmp.Equal(a, c) {
		t.Error("another seed gave the same timeline")
	}
}

// TestServiceBecomesReady applies helloworld-go and checks the revision's
// pod and the Service's readiness at the virtual instants the stages give.
func TestServiceBecomesReady(t *testing.T) {
	ctx := context.Background()
	var out []entry
	p, t0 := start(t, 1, &out)
	svc := applyHelloworld(ctx, t, p)
	i := slices.IndexFunc(out, func(e entry) bool { return e.Stage == string(cluster.StageReady) })
	if i < 0 {
		t.Fatalf("no pod became Ready: %v", out)
	}
	// Condition times are serialized with whole seconds, on the apiserver
	// as in the memory store.
	ready := svc.Status.GetCondition("Ready").LastTransitionTime.Time
	if got, want := ready.Sub(t0), out[i].At.Truncate(time.Second); got != want {
		t.Errorf("Service Ready at +%s, pod Ready at +%s; want the same second", got, out[i].At)
	}
	if !strings.HasPrefix(out[i].Pod, "helloworld-go-1-deployment-") {
		t.Errorf("pod %s", out[i].Pod)
	}
	fmt.Fprintf(testingWriter{t}, "helloworld-go Ready at +%s on %s\n", out[i].At, out[i].Node)
}

type testingWriter struct{ t *testing.T }

func (w testingWriter) Write(b []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(b)))
	return len(b), nil
}

// A pod that did not fit when created is bound once capacity frees: the
// store serves no pods/binding, so the cluster binds it by an update.
func TestPendingPodBindsWhenCapacityFrees(t *testing.T) {
	ctx := context.Background()
	var out []entry
	p, _ := start(t, 3, &out)
	c := p.Client
	unbound := func(deployment string) int {
		t.Helper()
		var pods corev1.PodList
		if err := c.List(ctx, &pods, client.InNamespace("default"), client.MatchingLabels{"app": deployment}); err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, pod := range pods.Items {
			if pod.Spec.NodeName == "" && pod.DeletionTimestamp == nil {
				n++
			}
		}
		return n
	}
	// Four nodes of 2 CPUs take four pods of 1.5 CPUs; web's pod waits.
	if err := c.Create(ctx, clustertest.Deployment("big", 4, "1500m", "")); err != nil {
		t.Fatal(err)
	}
	if err := p.RunFor(ctx, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	if err := c.Create(ctx, clustertest.Deployment("web", 1, "1500m", "")); err != nil {
		t.Fatal(err)
	}
	if err := p.RunFor(ctx, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	if got := unbound("web"); got != 1 {
		t.Fatalf("web's unbound pods = %d, want 1 waiting for capacity", got)
	}
	if err := clustertest.SetReplicas(ctx, c, "big", 3); err != nil {
		t.Fatal(err)
	}
	if err := p.RunFor(ctx, 30*time.Second); err != nil {
		t.Fatal(err)
	}
	if got := unbound("web"); got != 0 {
		t.Fatalf("web's unbound pods once a node freed = %d, want 0", got)
	}
}

func TestServingChangesNamePlainServices(t *testing.T) {
	var events []entry
	p, _ := start(t, 1, &events)
	ctx := context.Background()
	p.ServingChanges() // what start-up wrote
	svc := &corev1.Service{}
	svc.Name, svc.Namespace = "deployment", "default"
	svc.Spec.Selector = map[string]string{"app": "deployment"}
	svc.Spec.Ports = []corev1.ServicePort{{Port: 80}}
	if err := p.Client.Create(ctx, svc); err != nil {
		t.Fatal(err)
	}
	got := p.ServingChanges().Services
	want := []string{"default/deployment"}
	var names []string
	for _, k := range got {
		names = append(names, k.String())
	}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("ServingChanges().Services after creating a plain Service (-want +got):\n%s", diff)
	}
}
