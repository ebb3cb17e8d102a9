// Package fault is the simulator's one model of a misbehaving Service: its
// containers answer a share of requests with an error status, work slower,
// or are unreachable for a window of virtual time. Scenario actions
// (failWorkload, slowWorkload) put faults on workloads through the virtual
// Serving shell (sim/dataplane); event subscribers' error rates and down
// windows are the same faults, seen by the virtual Eventing shell
// (sim/eventplane). The real shells inject no faults.
package fault
