// Package controlplane starts the real Kubernetes control plane knsim runs
// against: an envtest kube-apiserver and etcd built from Go modules, with
// knsim's CRDs installed and its admission webhooks registered.
//
// With Options.StateDir, etcd's data lives in StateDir/etcd and survives
// Stop, so a later Start on the folder finds every object with its UID.
// etcd and kube-apiserver die with the process that started them, even
// when it is killed (Linux, package childguard), and the folders they use
// are in a run folder that Stop removes and that a later Start removes if
// its process was killed.
//
// StopAPIServer and StartAPIServer crash kube-apiserver and start it again
// on the same etcd, address and certificates while everything else keeps
// running (restart.go), for chaos scenarios: clients and informers carry
// on once it is back.
//
// kube-apiserver runs with settings that cut its CPU for knsim's load
// without changing the API (tuning.go: its GOGC, watch-cache feature
// gates); docs/performance.md has what each bought.
package controlplane
