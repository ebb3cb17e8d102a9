// Package stack assembles knsim's control plane, Serving and Eventing: the
// scheme with every API group, one table of every controller, and the
// admission webhooks. From the table, Setup adds the controllers to a
// controller-runtime manager and Reconcilers binds them to a client for
// drivers without a manager (the simulator's memory control plane).
package stack
