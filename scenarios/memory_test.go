package scenarios_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/knsim/knsim/sim/results"
	"github.com/knsim/knsim/sim/runner"
	"github.com/knsim/knsim/sim/scenario"
)

// Every shipped envtest scenario runs on the memory control plane as well,
// unless notOnMemory names it with the reason: the two planes must agree on
// what a scenario proves. On the memory plane its expectations and checks
// must hold, and its results must equal its golden (the envtest run's) but
// for the control plane they name, and for what memoryDiffers lists. Memory
// runs take a second or less each.
//
// A scenario belongs in notOnMemory only when it needs what the memory
// plane does not have: real mode (wall clock, loopback HTTP), admission
// through webhooks served over HTTP, the CRD schemas' field validation,
// resourceVersion conflicts, watch and cache behaviour, a kube-apiserver.
var notOnMemory = map[string]string{
	"chaos/chaos-apiserver-restart.yaml": "restarts kube-apiserver (restartControlPlane), which the memory plane does not have; the runner refuses it there",
}

// memoryDiffers lists, per scenario, where its results on the memory plane
// are known to differ from the envtest golden, and why.
var memoryDiffers = map[string]difference{
	// Both planes delete the two drained pods at 41 s exactly, and the data
	// plane samples that second at 41 s too: which goes first is the order
	// in which the two were scheduled on the engine. On envtest the
	// Deployment's first reconcile at 40 s, which only plans the
	// replacements for the scheduling round, asks for a requeue at 41 s (the
	// drain's end) before the 41 s sample is scheduled; on the memory plane,
	// which places at once, the reconciles ask for 40.5 s and 40.7 s (the
	// replacements' stages) first and for 41 s only at 40.7 s, after it.
	"pod-kill.yaml": {
		why: "the sample of helloworld-go-1 at 41 s counts 7 Ready pods (envtest 5): the two drained pods, deleted at that very instant, are counted before their deletion",
		asEnvtest: func(res *results.Results) {
			s := sample(res, "helloworld-go-1", 41)
			Expect(s.Ready).To(Equal(int32(7)), "pod-kill on the memory plane: Ready pods at 41 s")
			s.Ready = 5
		},
	},
}

// difference is a known difference between a scenario's results on the
// two planes: asEnvtest checks that the memory run's results differ as
// described and rewrites them to what envtest gives, so that everything
// else is still compared.
type difference struct {
	why       string
	asEnvtest func(*results.Results)
}

var _ = Describe("shipped scenarios on the memory control plane", func() {
	files := shippedFiles()
	for _, file := range files {
		sc, loadErr := scenario.Load(file)
		if loadErr != nil || sc.Metadata.ControlPlane == scenario.Memory {
			continue // the file's spec in scenarios_test.go runs it (or reports its load error)
		}
		if _, ok := notOnMemory[file]; ok {
			continue
		}
		labels := append([]string{"scenario"}, sc.Metadata.Labels...)
		labels = append(labels, string(scenario.Memory))
		It(fmt.Sprintf("%s (%s) on the memory plane too", sc.Metadata.Name, file), Label(labels...), func(ctx SpecContext) {
			if slices.Contains(labels, longLabel) && !runLong() {
				Skip(fmt.Sprintf("%s is labelled %q (minutes of wall time): set KNSIM_LONG=1 or select it with -ginkgo.label-filter=%s", file, longLabel, longLabel))
			}
			res, err := runner.Run(ctx, sc, runner.Options{ControlPlane: scenario.Memory})
			Expect(err).NotTo(HaveOccurred(), "running %s", file)
			Expect(res.Scenario.ControlPlane).To(Equal(string(scenario.Memory)))
			failed := failedExpectations(res)
			if check, ok := checks[res.Scenario.Name]; ok {
				failed = append(failed, check(res)...)
			}
			Expect(failed).To(BeEmpty(), "%s on the memory plane: failed expectations (observed values after each)", file)
			if *update {
				return // the envtest specs are rewriting the goldens
			}
			if d, ok := memoryDiffers[file]; ok {
				By("known difference from envtest: " + d.why)
				d.asEnvtest(res)
			}
			compareWithGolden(res)
		})
	}
})

// compareWithGolden requires the results of a memory run to equal the
// golden results of the envtest run, but for the scenario's identity and
// resolved configuration, which name the control plane.
func compareWithGolden(res *results.Results) {
	path := filepath.Join(goldenDir, res.Scenario.Name+".json")
	b, err := os.ReadFile(path)
	Expect(err).NotTo(HaveOccurred(), "no golden results for %s", res.Scenario.Name)
	var want results.Results
	Expect(json.Unmarshal(b, &want)).To(Succeed(), "reading %s", path)
	got := *res
	if len(encode(res)) > maxGoldenBytes {
		got = *slim(res) // the golden keeps no samples
	}
	got.Scenario, got.Config = want.Scenario, want.Config
	w, g := encode(&want), encode(&got)
	if string(w) != string(g) {
		diff := strings.NewReplacer("  golden: ", "  envtest: ", "  got:    ", "  memory:  ").Replace(diffJSON(w, g))
		Fail(fmt.Sprintf("%s: results on the memory plane differ from the envtest golden %s (if that is right, say where and why in memoryDiffers):\n%s",
			res.Scenario.Name, path, diff))
	}
}

// sample is the revision's sample at t seconds; the spec fails without one.
func sample(res *results.Results, revision string, t float64) *results.Sample {
	for i := range res.Revisions {
		r := &res.Revisions[i]
		if r.Revision != revision {
			continue
		}
		for j := range r.Samples {
			if float64(r.Samples[j].T) == t {
				return &r.Samples[j]
			}
		}
	}
	Fail(fmt.Sprintf("%s: no sample of %s at %gs", res.Scenario.Name, revision, t))
	return nil
}
