// Package controlplanebench measures how fast the envtest control plane
// (kube-apiserver and etcd, the controllers in a manager, virtual time
// coupled through sim/barrier) runs, apart from its start-up:
//
//   - Scenario runs a scenario file (scenarios/hey-burst.yaml by default:
//     2 virtual minutes, 115,000 requests, a scale-up to 5 pods and back)
//     and splits its wall time into start-up (etcd, kube-apiserver, CRDs,
//     webhooks, the manager and its caches), the run itself and the stop;
//   - Services applies N Knative Services at once (100 by default) to a
//     started control plane and measures the wall time until every one is
//     Ready, stepping virtual time as a scenario does.
//
// Both report the CPU time knsim's process and its kube-apiserver and etcd
// used while measuring, which tells a slow run on a busy machine from a
// slow run. Services can also take a CPU profile of kube-apiserver and
// count its answers by verb, resource and code over the measurement
// (ServicesConfig.APIServerProfile, CountRequests), which show what the
// apiserver's CPU went to. cmd/envtestspeed prints the figures next to
// their targets (a run under 1 s, 100 Services Ready under 5 s);
// bench_test.go holds Go benchmarks of both and a small end-to-end check.
package controlplanebench
