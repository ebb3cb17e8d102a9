// Package system is knsim's stack: the Knative-compatible APIs, webhooks and
// controllers, the autoscaler, queue-proxy, activator, ingress and eventing
// cores, and the real data-plane shells that run them behind HTTP. It holds
// no code itself; its packages are below it.
//
// # Layering
//
// Nothing under system/ imports anything under sim/: the simulator (engine,
// virtual shells, cluster emulation, scenarios, runner) builds on the stack,
// never the other way round, so the stack can be read, built and shipped
// without it. What both need (workload and request models, topology
// snapshots, names) lives under system/. TestLayering, run by make lint,
// enforces this over every non-test import, direct or transitive; tests
// under system/ may still use sim/ to start a control plane.
package system
