package cluster

import (
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	clocktesting "k8s.io/utils/clock/testing"

	"github.com/knsim/knsim/sim/distribution"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func TestImageCache(t *testing.T) {
	fresh := func(img string) time.Duration {
		return map[string]time.Duration{"app": 10 * time.Second, "sidecar": 3 * time.Second}[img]
	}
	const cached = 100 * time.Millisecond
	ic := imageCache{}
	steps := []struct {
		name   string
		at     time.Duration
		images []string
		want   time.Duration // when all are present, from t0
	}{
		{"first pull of both, in parallel", 0, []string{"app", "sidecar"}, 10 * time.Second},
		{"same images while the pulls run: wait for them", 2 * time.Second, []string{"sidecar", "app"}, 10 * time.Second},
		{"sidecar already present", 5 * time.Second, []string{"sidecar"}, 5*time.Second + cached},
		{"both present", 12 * time.Second, []string{"app", "sidecar"}, 12*time.Second + cached},
		{"a new image", 12 * time.Second, []string{"app", "other"}, 12*time.Second + cached},
		{"no images", 20 * time.Second, nil, 20 * time.Second},
	}
	for _, s := range steps {
		if got := ic.pull(s.images, t0.Add(s.at), fresh, cached); !got.Equal(t0.Add(s.want)) {
			t.Errorf("%s: done at %s, want %s", s.name, got.Sub(t0), s.want)
		}
	}
}

func TestPodImages(t *testing.T) {
	spec := &corev1.PodSpec{
		InitContainers: []corev1.Container{{Image: "init"}},
		Containers:     []corev1.Container{{Image: "app"}, {Image: "init"}, {Image: "sidecar"}},
	}
	got := podImages(spec)
	if want := []string{"init", "app", "sidecar"}; len(got) != 3 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Fatalf("podImages = %v, want %v", got, want)
	}
}

func testCluster(t *testing.T, cfg Config) *Cluster {
	t.Helper()
	cfg.Clock = clocktesting.NewFakeClock(t0)
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestPlanFirstAndCachedPulls checks that the first pod of an image on a node
// pays ImagePull and later ones CachedImagePull, per node.
func TestPlanFirstAndCachedPulls(t *testing.T) {
	c := testCluster(t, Config{
		Nodes:           2,
		ImagePull:       distribution.ConstantDuration(5 * time.Second),
		CachedImagePull: distribution.ConstantDuration(50 * time.Millisecond),
		ContainerStart:  distribution.ConstantDuration(time.Second),
		Readiness:       distribution.ConstantDuration(time.Second),
	})
	spec := &corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "app"}}}
	owner := types.NamespacedName{Namespace: "ns", Name: "d"}
	plans := map[string][]time.Duration{}
	for i, at := range []time.Duration{0, 0, 10 * time.Second, 10 * time.Second} {
		b, err := c.reserve(types.NamespacedName{Namespace: "ns", Name: string(rune('a' + i))}, owner, spec, t0.Add(at))
		if err != nil {
			t.Fatal(err)
		}
		plans[b.node] = append(plans[b.node], b.plan.imagePull)
		if b.plan.containerStart != time.Second || b.plan.readiness != time.Second {
			t.Errorf("plan %+v: want 1s container start and readiness", b.plan)
		}
	}
	want := []time.Duration{5 * time.Second, 50 * time.Millisecond}
	for _, node := range []string{NodeName(0), NodeName(1)} {
		if got := plans[node]; len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
			t.Errorf("pulls on %s = %v, want %v (spread puts two pods on each node)", node, got, want)
		}
	}
}

// TestPlanDoesNotDependOnOrder binds two pods needing the same image to one
// node at the same instant in both orders: each gets the same plan.
func TestPlanDoesNotDependOnOrder(t *testing.T) {
	cfg := Config{Nodes: 1, Seed: 7, ImagePull: distribution.LogNormalDuration(1, 0.5), ContainerStart: distribution.UniformDuration(0, time.Second)}
	spec := &corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "app"}}}
	owner := types.NamespacedName{Namespace: "ns", Name: "d"}
	a, b := types.NamespacedName{Namespace: "ns", Name: "a"}, types.NamespacedName{Namespace: "ns", Name: "b"}
	plan := func(first, second types.NamespacedName) map[types.NamespacedName]stagePlan {
		c := testCluster(t, cfg)
		out := map[types.NamespacedName]stagePlan{}
		for _, k := range []types.NamespacedName{first, second} {
			bd, err := c.reserve(k, owner, spec, t0)
			if err != nil {
				t.Fatal(err)
			}
			out[k] = bd.plan
		}
		return out
	}
	ab, ba := plan(a, b), plan(b, a)
	if ab[a] != ba[a] || ab[b] != ba[b] {
		t.Fatalf("plans depend on order: %+v vs %+v", ab, ba)
	}
	if ab[a].imagePull != ab[b].imagePull {
		t.Fatalf("pods sharing one pull finish it at different times: %+v", ab)
	}
	other := testCluster(t, Config{Nodes: 1, Seed: 8, ImagePull: cfg.ImagePull, ContainerStart: cfg.ContainerStart})
	if bd, _ := other.reserve(a, owner, spec, t0); bd.plan == ab[a] {
		t.Fatal("another seed drew the same plan")
	}
}

func TestKilledNodeLosesItsCache(t *testing.T) {
	c := testCluster(t, Config{Nodes: 1, ImagePull: distribution.ConstantDuration(time.Second), CachedImagePull: distribution.ConstantDuration(0)})
	spec := &corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "app"}}}
	owner := types.NamespacedName{Namespace: "ns", Name: "d"}
	if b, _ := c.reserve(types.NamespacedName{Name: "a"}, owner, spec, t0); b.plan.imagePull != time.Second {
		t.Fatalf("first pull took %s", b.plan.imagePull)
	}
	if b, _ := c.reserve(types.NamespacedName{Name: "b"}, owner, spec, t0.Add(time.Minute)); b.plan.imagePull != 0 {
		t.Fatalf("cached pull took %s", b.plan.imagePull)
	}
	if err := c.setKilled(NodeName(0), true); err != nil {
		t.Fatal(err)
	}
	if _, err := c.reserve(types.NamespacedName{Name: "c"}, owner, spec, t0.Add(time.Minute)); err == nil ||
		err.Error() != "0/1 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }." {
		t.Fatalf("scheduling on a dead node: %v", err)
	}
	if err := c.setKilled(NodeName(0), false); err != nil {
		t.Fatal(err)
	}
	if b, _ := c.reserve(types.NamespacedName{Name: "d"}, owner, spec, t0.Add(2*time.Minute)); b.plan.imagePull != time.Second {
		t.Fatalf("pull on the restored node took %s, want a fresh pull", b.plan.imagePull)
	}
}
