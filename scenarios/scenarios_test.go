package scenarios_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
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

// goldenDir holds one results JSON per scenario, the proof of determinism:
// the same scenario and seed must give byte-identical results.
const goldenDir = "testdata/golden"

// maxGoldenBytes bounds a golden file. Results larger than this (a day of
// per-second samples) are stored without their per-revision samples, with
// the SHA-256 of the full results beside them (<name>.sha256).
const maxGoldenBytes = 2 << 20

// longLabel marks scenarios that take minutes of wall time (a day
// of trace replay). They run only when asked for: KNSIM_LONG=1, or a label
// filter that names the label (go test ./scenarios -ginkgo.label-filter=long).
const longLabel = "long"

func runLong() bool {
	return os.Getenv("KNSIM_LONG") != "" || strings.Contains(GinkgoLabelFilter(), longLabel)
}

// Every scenario file becomes one spec. The files are read when the tree is
// built, so labels come from the file; a file that does not load still
// becomes a spec, which fails with the loader's errors.
var _ = Describe("shipped scenarios", func() {
	files := shippedFiles()
	for _, file := range files {
		sc, loadErr := scenario.Load(file)
		name, labels := strings.TrimSuffix(file, ".yaml"), []string{"scenario"}
		if loadErr == nil {
			name = sc.Metadata.Name
			labels = append(labels, sc.Metadata.Labels...)
			labels = append(labels, string(sc.Metadata.ControlPlane))
		}
		It(fmt.Sprintf("%s (%s)", name, file), Label(labels...), func(ctx SpecContext) {
			Expect(loadErr).NotTo(HaveOccurred(), "loading %s", file)
			if slices.Contains(labels, longLabel) && !runLong() {
				Skip(fmt.Sprintf("%s is labelled %q (minutes of wall time): set KNSIM_LONG=1 or select it with -ginkgo.label-filter=%s", file, longLabel, longLabel))
			}
			res, err := runner.Run(ctx, sc, runner.Options{})
			Expect(err).NotTo(HaveOccurred(), "running %s", file)
			writeResults(res)

			failed := failedExpectations(res)
			if check, ok := checks[res.Scenario.Name]; ok {
				failed = append(failed, check(res)...)
			}
			Expect(failed).To(BeEmpty(), "%s: failed expectations (observed values after each)", file)
			compareGolden(res)
		})
	}
})

// shippedFiles lists the shipped scenario files: scenarios/*.yaml and the
// chaos scenarios in scenarios/chaos.
func shippedFiles() []string {
	var files []string
	for _, pattern := range []string{"*.yaml", "chaos/*.yaml"} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			panic(err)
		}
		files = append(files, m...)
	}
	slices.Sort(files)
	return files
}

// failedExpectations lists the failed expectations with what was observed.
func failedExpectations(res *results.Results) []string {
	var failed []string
	for _, o := range res.Expectations {
		if !o.Pass {
			failed = append(failed, o.Expr+"  ->  "+o.Observed)
		}
	}
	if len(failed) == 0 && !res.Passed {
		failed = append(failed, "results.passed is false")
	}
	return failed
}

// writeResults stores the run's results where $KNSIM_SCENARIO_OUT says
// (for reports and for diffing against a golden file), if set.
func writeResults(res *results.Results) {
	dir := os.Getenv("KNSIM_SCENARIO_OUT")
	if dir == "" {
		return
	}
	Expect(os.MkdirAll(dir, 0o755)).To(Succeed())
	Expect(res.Write(filepath.Join(dir, res.Scenario.Name+".json"))).To(Succeed())
}

// encode is the results JSON exactly as results.Write stores it.
func encode(v any) []byte {
	b, err := json.MarshalIndent(v, "", "  ")
	Expect(err).NotTo(HaveOccurred())
	return append(b, '\n')
}

// eventsOnlyGolden names the scenarios whose golden is compared on its
// events alone, with the reason. Killing and restarting kube-apiserver is
// a real process crash: when the controllers' failed requests are retried
// (client-go's backoff, on the wall clock) decides in which virtual second
// pods move around the restart, so pod counts and cost vary from run to
// run; every event is still counted identically.
var eventsOnlyGolden = map[string]string{
	"chaos-apiserver-restart": "the apiserver restart is a real crash; retries around it follow the wall clock",
}

// compareGolden compares the results with testdata/golden/<name>.json, or
// rewrites it with -update.
func compareGolden(res *results.Results) {
	if _, ok := eventsOnlyGolden[res.Scenario.Name]; ok && !*update {
		compareGoldenEvents(res)
		return
	}
	full := encode(res)
	golden, digest := full, ""
	if len(full) > maxGoldenBytes {
		golden = encode(slim(res))
		sum := sha256.Sum256(full)
		digest = hex.EncodeToString(sum[:]) + "\n"
	}
	path := filepath.Join(goldenDir, res.Scenario.Name+".json")
	sumPath := filepath.Join(goldenDir, res.Scenario.Name+".sha256")
	if *update {
		Expect(os.MkdirAll(goldenDir, 0o755)).To(Succeed())
		Expect(os.WriteFile(path, golden, 0o644)).To(Succeed())
		if digest != "" {
			Expect(os.WriteFile(sumPath, []byte(digest), 0o644)).To(Succeed())
		} else {
			Expect(os.Remove(sumPath)).To(Or(Succeed(), MatchError(os.ErrNotExist)))
		}
		return
	}
	want, err := os.ReadFile(path)
	Expect(err).NotTo(HaveOccurred(), "no golden results for %s: run go test ./scenarios -args -update", res.Scenario.Name)
	if !bytes.Equal(want, golden) {
		Fail(fmt.Sprintf("%s: results differ from %s (same scenario and seed must give identical results; -update rewrites it):\n%s",
			res.Scenario.Name, path, diffJSON(want, golden)))
	}
	if digest != "" {
		wantSum, err := os.ReadFile(sumPath)
		Expect(err).NotTo(HaveOccurred(), "no golden digest for %s: run go test ./scenarios -args -update", res.Scenario.Name)
		Expect(string(wantSum)).To(Equal(digest), "%s: the full results (per-second samples included) differ from the golden digest %s", res.Scenario.Name, sumPath)
	}
}

// slim is res without its per-revision samples, as a golden file stores
// results larger than maxGoldenBytes.
func slim(res *results.Results) *results.Results {
	out := *res
	out.Revisions = nil
	for _, r := range res.Revisions {
		out.Revisions = append(out.Revisions, results.RevisionSeries{Namespace: r.Namespace, Service: r.Service, Revision: r.Revision})
	}
	return &out
}

// diffJSON names the first lines where two JSON documents differ (up to 20).
func diffJSON(want, got []byte) string {
	w, g := strings.Split(string(want), "\n"), strings.Split(string(got), "\n")
	var b strings.Builder
	shown := 0
	for i := 0; i < max(len(w), len(g)) && shown < 20; i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			fmt.Fprintf(&b, "line %d:\n  golden: %s\n  got:    %s\n", i+1, strings.TrimSpace(wl), strings.TrimSpace(gl))
			shown++
		}
	}
	if len(w) != len(g) {
		fmt.Fprintf(&b, "golden has %d lines, got %d\n", len(w), len(g))
	}
	return b.String()
}

// compareGoldenEvents compares only the events block of the results with
// the golden's (see eventsOnlyGolden).
func compareGoldenEvents(res *results.Results) {
	path := filepath.Join(goldenDir, res.Scenario.Name+".json")
	raw, err := os.ReadFile(path)
	Expect(err).NotTo(HaveOccurred(), "no golden results for %s: run go test ./scenarios -args -update", res.Scenario.Name)
	var want struct {
		Events *results.Events `json:"events"`
	}
	Expect(json.Unmarshal(raw, &want)).To(Succeed(), "reading %s", path)
	Expect(want.Events).NotTo(BeNil(), "%s has no events block", path)
	if got, exp := encode(res.Events), encode(want.Events); !bytes.Equal(got, exp) {
		Fail(fmt.Sprintf("%s: events differ from %s (%s):\n%s", res.Scenario.Name, path,
			eventsOnlyGolden[res.Scenario.Name], diffJSON(exp, got)))
	}
}
