// Package policy is the seam for scaling policies other than the KPA and
// the HPA: the Policy interface a revision's decider implements, the data
// plane's per-instance view it decides from (Observation), what it
// recommends (Decision), and the Registry that maps an
// autoscaling.knative.dev/class value to a Factory.
//
// A revision whose class has a registered Factory gets one Policy, created
// by the multiscaler when its PodAutoscaler is first reconciled. The
// multiscaler feeds it the data plane's observations (every second, and at
// once whenever a request has to wait for an instance) and asks it for a
// Decision on every tick; the PodAutoscaler reconciler then sets the
// Deployment's replicas to the desired scale and lowers the
// controller.kubernetes.io/pod-deletion-cost of the pods the Decision names,
// so that the ReplicaSet controller removes exactly those.
//
// Registering a class (see ExampleRegistry_Register):
//
//	policy.Default.MustRegister("mine.example.com", func(p policy.Params) (policy.Policy, error) {
//		return newMine(p.Annotations)
//	})
//
// kpa.autoscaling.knative.dev and hpa.autoscaling.knative.dev are not in
// the registry: the multiscaler runs them itself, as before.
package policy
