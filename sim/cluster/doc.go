// Package cluster emulates what envtest lacks: the Deployment and ReplicaSet
// controllers, the scheduler, the node lifecycle controller and the kubelets.
// Everything it does is written to the apiserver, so kubectl shows the
// emulated cluster; all time comes from the injected clock (virtual or wall)
// and all randomness from Config.Seed.
//
//   - Nodes (nodes.go) come from node pools with CPU, memory and pod
//     capacity and labels. They can be cordoned (spec.unschedulable), and
//     KillNode makes one NotReady and tainted unreachable: its pods are
//     deleted and their Deployments replace them elsewhere.
//   - The scheduler (scheduler.go) is a pure function: it filters the nodes
//     that are schedulable, tolerated, selected and have room for the pod's
//     requests, then scores them by Policy (Spread or BinPack), ties going to
//     the smaller name. When nothing fits the pod stays Pending with
//     kube-scheduler's message ("0/3 nodes are available: 3 Insufficient
//     cpu.") and is retried whenever capacity frees up. An in-memory ledger
//     (ledger.go) books capacity as pods are bound, so decisions never rely
//     on a lagging cache.
//   - The kubelet (kubelet.go, images.go) plans each bound pod's stages,
//     image pull, container start and readiness, with durations drawn from
//     sim/distribution's Distributions; a node pulls an image once and later
//     pods find it cached. The plan is recorded in the pod's annotations and
//     the status follows it: Pending/ContainerCreating, Running and not
//     Ready, then Ready. Transitions are driven by RequeueAfter of the next
//     one due, not by goroutines or timers.
//   - Deployments (deployment.go, status.go) become pods with deterministic
//     names. A scale-up creates the pods the nodes can take (maxPods, CPU,
//     memory) plus at most Config.MaxPendingPods Pending ones, and more as
//     capacity frees; the manager-run emulation creates at most
//     BurstReplicas per reconcile, in slow-start batches, and stops when
//     the Deployment is deleted. The pods of a deleted Deployment are
//     deleted, as the garbage collector would (foregroundDeletion too). Scale-down (termination.go) removes unscheduled and not-ready
//     pods first, then those of lower controller.kubernetes.io/pod-deletion-cost,
//     then the newest; a removed pod turns NotReady and drains
//     for Config.Drain before it is deleted, holding its capacity meanwhile.
//     The Deployment's status and Available/Progressing conditions follow
//     the Deployment controller, ProgressDeadlineExceeded included.
//   - Config.OnPodEvent and Snapshot (observe.go) report pod transitions and
//     the nodes' state for timelines and results.
//
// SetupWithManager runs the emulation as a controller-runtime controller;
// Reconciler serves control planes that drive reconciles themselves.
package cluster
