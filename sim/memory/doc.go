// Package memory is knsim's memory control plane for large runs: the same
// reconcilers as on envtest, against an in-memory object store, reconciled to
// a fixpoint at each virtual instant on one goroutine. There is no apiserver,
// no informer and no concurrency, so runs are fast and fully deterministic;
// admission (defaults and validation) runs in process.
package memory
