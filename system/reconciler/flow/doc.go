// Package flow owns what Sequences and Parallels share: ensuring a flow's
// ordered channels and Subscriptions, mirroring their readiness into the
// flow's ChannelsReady and SubscriptionsReady conditions, addressing the
// flow by its first channel, pruning the children of removed steps or
// branches, and writing the flow's status.
//
// A flow's reconciler describes what it wants as a Plan; Reconcile does
// the rest. How what ensuring a Plan found shows in the status is worked
// out without touching the cluster.
package flow
