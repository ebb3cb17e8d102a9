package sweep

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-logr/logr"
	batchv1 "k8s.io/api/batch/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/knsim/knsim/sim/controlplane"
	"github.com/knsim/knsim/system/stack"
)

func TestJobConfigErrors(t *testing.T) {
	good := JobConfig{Name: "s", Image: "i", SweepFile: "f.yaml", Shards: 2, Claim: "c"}
	for _, tc := range []struct {
		name string
		edit func(*JobConfig)
		want string
	}{
		{"no image", func(c *JobConfig) { c.Image = "" }, "the Job needs an image"},
		{"no shards", func(c *JobConfig) { c.Shards = 0 }, "at least one shard"},
		{"no claim", func(c *JobConfig) { c.Claim = "" }, "PersistentVolumeClaim"},
		{"bad name", func(c *JobConfig) { c.Name = "Sweep_1" }, `job name "Sweep_1"`},
		{"bad cpu", func(c *JobConfig) { c.CPU = "lots" }, `cpu request "lots"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := good
			tc.edit(&c)
			if _, err := Job(c); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

// TestJobPassesDryRun creates the printed Job with a server-side dry run
// on knsim's own kube-apiserver (envtest): the apiserver's validation of
// batch/v1 accepts it, and refuses a broken one.
func TestJobPassesDryRun(t *testing.T) {
	if _, err := os.Stat(filepath.Join(controlplane.AssetsDir(), "kube-apiserver")); err != nil {
		t.Skipf("envtest binaries missing in %s (make envtest)", controlplane.AssetsDir())
	}
	t.Setenv("TMPDIR", t.TempDir())
	log.SetLogger(logr.Discard())
	cp, err := controlplane.Start(controlplane.Options{Scheme: stack.Scheme()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := cp.Stop(); err != nil {
			t.Error(err)
		}
	})
	c, err := client.New(cp.Config, client.Options{Scheme: stack.Scheme()})
	if err != nil {
		t.Fatal(err)
	}
	job, err := Job(JobConfig{Name: "knsim-sweep", Image: "registry.example/knsim:v1", SweepFile: "sweeps/capacity.yaml", Shards: 8, Workers: 2, Claim: "results"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := c.Create(ctx, job.DeepCopy(), client.DryRunAll); err != nil {
		t.Fatalf("dry run refused the Job: %v", err)
	}
	broken := job.DeepCopy()
	broken.Spec.Completions = nil // Indexed needs completions
	if err := c.Create(ctx, broken, client.DryRunAll); err == nil || !strings.Contains(err.Error(), "completions") {
		t.Errorf("dry run of an Indexed Job without completions: %v, want a refusal naming completions", err)
	}
	if err := c.Get(ctx, client.ObjectKeyFromObject(job), &batchv1.Job{}); err == nil {
		t.Errorf("the dry run created the Job")
	}
}
