// Package cluster emulates what envtest lacks: the scheduler, kubelets and the
// Deployment controller. It turns each Deployment's replicas into Pods with
// deterministic names, binds them to simulated Nodes, walks them to Ready
// after a start-up delay on the injected clock, and keeps the Deployment's
// status in step, all written to the apiserver so kubectl shows the cluster.
package cluster
