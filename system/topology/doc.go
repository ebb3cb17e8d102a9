// Package topology is the control plane's state as the data-plane shells
// see it: read through a client.Reader and reduced to what the real shells
// (system/shell) and the virtual ones (sim/dataplane, sim/eventplane)
// install into their cores.
//
// Eventing (eventing.go) is the Brokers with their Triggers and the
// channels with their subscribers, as the Broker, Trigger, channel and
// Subscription controllers resolved them.
//
// The Serving shells (sim/dataplane and system/shell/servingshell) read a
// [Serving] snapshot with [ReadServing]: the Routes the gateway serves and,
// per revision, what the activator and the queue-proxies need to know.
package topology
