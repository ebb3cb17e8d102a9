// Package barrier owns the quiescence barrier that couples virtual time to a
// real control plane: the simulator may advance its clock only when no
// reconcile is running, every controller workqueue is empty, and every event
// handler has observed every object version the stack wrote (a
// resourceVersion barrier). See docs/virtual-time.md.
package barrier
