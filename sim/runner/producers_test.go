package runner_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// heartbeats is a ContainerSource of image heartbeats, whose pods the
// producers map makes send 2 events a second each to helloworld-go.
func heartbeats(producers string) string {
	return `
metadata: {name: heartbeats, seed: 5, duration: 2m, controlPlane: memory}
` + hello + `
  - inline: |
      apiVersion: sources.knative.dev/v1
      kind: ContainerSource
      metadata: {name: heartbeats}
      spec:
        template:
          spec:
            containers:
              - image: heartbeats
                name: heartbeats
        sink:
          ref: {apiVersion: serving.knative.dev/v1, kind: Service, name: helloworld-go}
` + producers + `
expect:
  - events.lost == 0
`
}

var _ = Describe("a ContainerSource", func() {
	It("sends its producer's events from each Ready pod to its sink", func(ctx SpecContext) {
		res := run(ctx, heartbeats(`
producers:
  heartbeats: {rate: 2, arrivals: even, type: dev.knative.eventing.samples.heartbeat}
`))
		expectAllPassed(res)
		ev := res.Events
		Expect(ev).NotTo(BeNil())
		// One pod, Ready after its start-up, sends every 500 ms to the end.
		Expect(ev.Produced).To(BeNumerically(">", 200))
		Expect(ev.Produced).To(BeNumerically("<=", 240))
		Expect(ev.Delivered).To(BeNumerically(">=", ev.Produced-1), "all but the one in flight at the end reach helloworld-go")
	})

	It("sends nothing when no producer models its image, as before", func(ctx SpecContext) {
		res := run(ctx, heartbeats(`
producers:
  other-image: {rate: 2, type: x}
`))
		Expect(res.Events == nil || res.Events.Produced == 0).To(BeTrue())
	})
})
