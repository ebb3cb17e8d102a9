package runner_test

import (
	"context"
	"errors"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/knsim/knsim/sim/runner"
	"github.com/knsim/knsim/sim/scenario"
)

var _ = Describe("a cancelled run", func() {
	It("stops a long memory-plane run at once instead of computing to its end", func(ctx SpecContext) {
		sc, err := scenario.Parse("long.yaml", []byte(`
metadata: {name: long, seed: 1, duration: 24h, controlPlane: memory}
manifests: [{file: helloworld-go.yaml}]
traffic:
  - {host: helloworld-go.default.example.com, hey: {c: 1, z: 24h, q: 5}}
`), "testdata")
		Expect(err).NotTo(HaveOccurred())
		runCtx, cancel := context.WithCancel(ctx)
		defer cancel()
		var reached time.Duration
		_, err = runner.Run(runCtx, sc, runner.Options{Progress: func(done, total time.Duration) {
			if done >= time.Minute && reached == 0 {
				reached = done
				cancel() // as Ctrl-C cancels knsim run's context
			}
		}})
		Expect(errors.Is(err, context.Canceled)).To(BeTrue(), "error %v", err)
		Expect(err.Error()).To(ContainSubstring("run stopped at virtual"))
		Expect(reached).To(BeNumerically(">", 0))
	})
})
