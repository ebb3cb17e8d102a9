// Package clusterbench measures how fast knsim's emulated cluster
// (sim/cluster) turns Deployments into Ready pods on a real kube-apiserver
// and etcd (envtest): Run scales Deployments to a total number of replicas
// on enough emulated nodes and reports pods Ready per second of wall time.
//
// The reference is KWOK's CI check that 10,000 pods are Running within
// 60 s (about 167 pods/s). cmd/scale10k prints the ratio; bench_test.go
// holds a Go benchmark (1,000 pods unless KNSIM_BENCH_10K=1) and the
// 10,000-pod check gated by KNSIM_BENCH_10K=1.
package clusterbench
