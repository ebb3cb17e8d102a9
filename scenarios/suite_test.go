package scenarios_test

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/reporters"
	. "github.com/onsi/gomega"
	logf "sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
)

// update rewrites the golden results instead of comparing with them:
//
//	go test ./scenarios -args -update
var update = flag.Bool("update", false, "rewrite testdata/golden/<scenario>.json from this run")

// TestScenarios runs every shipped scenario file (scenarios/*.yaml and
// scenarios/chaos/*.yaml) as a Ginkgo spec labelled from its
// metadata.labels:
//
//	go test ./scenarios -ginkgo.label-filter=autoscaler
//	ginkgo --label-filter='!long' ./scenarios
func TestScenarios(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Scenarios: the shipped scenario files in virtual time")
}

var _ = BeforeSuite(func() {
	logf.SetLogger(zap.New(zap.WriteTo(GinkgoWriter)))
})

// junitPath is where the suite writes its JUnit report: $KNSIM_JUNIT (make
// test sets it to out/junit-scenarios.xml), else out/junit-scenarios.xml at
// the repository root.
func junitPath() string {
	if p := os.Getenv("KNSIM_JUNIT"); p != "" {
		return p
	}
	return filepath.Join("..", "out", "junit-scenarios.xml")
}

var _ = ReportAfterSuite("JUnit report", func(r Report) {
	path := junitPath()
	Expect(os.MkdirAll(filepath.Dir(path), 0o755)).To(Succeed())
	Expect(reporters.GenerateJUnitReport(r, path)).To(Succeed())
})
