package scenarios_test

import (
	"fmt"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/knsim/knsim/sim/runner"
	"github.com/knsim/knsim/sim/scenario"
)

// onMemoryToo lists shipped envtest scenarios whose expectations must hold
// on the memory control plane as well: the two planes must agree on what
// a scenario proves. Their goldens are the envtest runs'.
var onMemoryToo = []string{
	// A user's pod deletion is graceful on both planes: the pods turn
	// NotReady, drain and go, and the Deployment replaces them.
	"pod-kill.yaml",
}

var _ = Describe("shipped scenarios on the memory control plane", func() {
	for _, file := range onMemoryToo {
		It(fmt.Sprintf("%s passes its expectations on the memory plane", file), Label("scenario", string(scenario.Memory)), func(ctx SpecContext) {
			sc, err := scenario.Load(file)
			Expect(err).NotTo(HaveOccurred(), "loading %s", file)
			res, err := runner.Run(ctx, sc, runner.Options{ControlPlane: scenario.Memory})
			Expect(err).NotTo(HaveOccurred(), "running %s", file)
			Expect(res.Scenario.ControlPlane).To(Equal(string(scenario.Memory)))
			Expect(failedExpectations(res)).To(BeEmpty(), "%s on the memory plane: failed expectations", file)
		})
	}
})
