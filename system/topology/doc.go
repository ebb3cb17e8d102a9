// Package topology is the control plane's state as the data-plane shells see it.
//
// The Serving shells (sim/dataplane and system/shell/servingshell) read a
// [Serving] snapshot with [ReadServing]: the Routes the gateway serves and,
// per revision, what the activator and the queue-proxies need to know.
package topology
