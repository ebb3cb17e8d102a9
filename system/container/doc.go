// Package container is the functional core of knsim's user container, the
// one model both Serving shells run behind queue-proxy: the simulated shell
// (sim/dataplane) on the virtual clock and the real one
// (system/shell/servingshell) on the wall clock.
//
// A [Workload] describes a Knative Service's containers: a service-time
// distribution, a cold-start extra on the first request a pod serves, an
// in-flight limit and the CPU each working request uses. A [Core] is one
// pod's container: a synchronous state machine with no goroutines, no
// sleeps and no clock reads, whose methods take `now`.
//
//   - [Core.Admit] starts a request at once, drawing its service time, or
//     makes it wait, first come first served, while MaxInFlight requests
//     are working;
//   - [Core.Finish] ends a working request and starts the oldest waiting
//     one in its place, drawing its service time;
//   - [Core.Cancel] withdraws a waiting request (the real shell's client
//     went away);
//   - [Core.CloseCPUWindow] integrates the CPU the working requests used
//     and returns its average, in millicores, over the window since the
//     last call: the metric the HPA class scales on.
//
// Service times are drawn from the random stream the shell gives, in a
// fixed order: a request's ServiceTime, then ColdStartExtra when it is the
// first the pod serves, at the moment it starts working. The simulated
// shell's scenario results depend on that order.
package container
