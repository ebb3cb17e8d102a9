package runner_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// directSink is an event workload that sends straight to a Knative Service
// that fails 30% of its events with the given status.
func directSink(status, delivery string) string {
	return `
metadata: {name: direct, seed: 3, duration: 2m, controlPlane: memory}
` + hello + `
subscribers:
  helloworld-go: {latency: 10ms, errorRate: 0.3, status: ` + status + `}
events:
  - name: direct
    target: {kind: Service, name: helloworld-go}
    rate: {rps: 2, for: 100s}
    type: com.example.direct
` + delivery
}

var _ = Describe("a producer's direct send to a Service", func() {
	It("is retried as Knative's source adapters retry (503: 5 retries, 50ms exponential)", func(ctx SpecContext) {
		ev := run(ctx, directSink("503", "")).Events
		Expect(ev).NotTo(BeNil())
		Expect(ev.Produced).To(BeNumerically(">", 150))
		Expect(ev.Retries).To(BeNumerically(">", 30), "about 30% of first sends fail and are retried")
		// A loss needs six 503s in a row: 0.3^6 of the events.
		Expect(ev.Lost).To(BeNumerically("<=", 1))
		Expect(ev.Delivered + ev.Lost).To(Equal(ev.Produced))
	})

	It("is not retried with delivery.retry 0, as before the adapters' retry was modelled", func(ctx SpecContext) {
		ev := run(ctx, directSink("503", "    delivery: {retry: 0}\n")).Events
		Expect(ev.Retries).To(BeZero())
		Expect(ev.Lost).To(BeNumerically(">", 30))
	})

	It("is not retried on a 500, which the CloudEvents client does not retry", func(ctx SpecContext) {
		ev := run(ctx, directSink("500", "")).Events
		// The few retries are of the first events, which the gateway
		// answers 404 until the Route is ready; no 500 is retried, so
		// about 30% of the events are lost.
		Expect(ev.Retries).To(BeNumerically("<", 5))
		Expect(ev.Lost).To(BeNumerically(">", 30))
	})

	It("retries a linear backoff of the delivery block's delay", func(ctx SpecContext) {
		ev := run(ctx, directSink("503", "    delivery: {retry: 1, backoffPolicy: linear, backoffDelay: PT1S}\n")).Events
		Expect(ev.Retries).To(BeNumerically(">", 30))
		// A loss needs two 503s in a row: about 0.09 of the events.
		Expect(ev.Lost).To(BeNumerically(">", 3))
	})
})
