// Package controlplane starts the real Kubernetes control plane knsim runs
// against: an envtest kube-apiserver and etcd built from Go modules, with
// knsim's CRDs installed and its admission webhooks registered.
package controlplane
