// Package childguard makes the control plane's child processes (etcd and
// kube-apiserver, which envtest starts itself) die with the process that
// started them, even when that process is killed with SIGKILL and has no
// chance to stop them.
//
// envtest builds each child's exec.Cmd itself, with no way to ask for a
// parent-death signal. Wrap therefore points envtest at a launcher: a
// symbolic link, named like the real binary, to the running executable.
// When a binary that links this package starts under such a name, the
// package's init (before main, on the main thread) asks the kernel for
// SIGKILL on parent death (prctl PR_SET_PDEATHSIG), checks that its
// parent is still the process that wrapped it, and execs the real binary
// in place: same process, same arguments, the signal setting kept across
// exec. Nothing else happens in that process, so the launcher costs one
// exec. Wrap may also give the launcher environment settings to add before
// the exec (kube-apiserver's GOGC): envtest starts its children with this
// process's environment and offers no other way to set theirs. Every
// binary that can start a control plane (knsim, the test binaries of its
// packages) imports this package through sim/controlplane, so the
// launcher is always the binary already running.
//
// The parent-death signal is a Linux feature; elsewhere Supported is
// false and Wrap is not used (nor its environment settings). The kernel sends it when the thread that
// forked the child ends; Go's threads live as long as the process unless
// a goroutine locked to one ends, which knsim's do not.
package childguard
