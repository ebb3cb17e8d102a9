// Package gc plays kube-controller-manager's garbage collector, which
// neither envtest nor the memory control plane runs: when an owner is
// deleted, its dependents (objects whose ownerReferences name it) are
// deleted too (background propagation, the default), deleted before the
// owner goes (foreground: the owner waits with the foregroundDeletion
// finalizer), or kept with the reference removed (orphan: the owner waits
// with the orphan finalizer). Deleting a Knative Service so takes its
// Configuration, Route, Revisions, PodAutoscalers, ServerlessServices and
// Deployments with it, and the cluster emulation then deletes the pods.
//
// Collector holds the cascade logic; the envtest plane registers it with
// its manager (SetupWithManager), the memory plane calls Collect for the
// owners it saw deleted.
package gc
