// Package clustertest holds the small builders the cluster emulation's tests
// share across backends (envtest, the memory control plane, benches): plain
// apps/v1 Deployments owned by no Knative object, and scaling them.
package clustertest
