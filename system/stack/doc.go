// Package stack assembles knsim's Serving control plane: the scheme with every
// API group, all controllers and the admission webhooks, ready to add to a
// controller-runtime manager.
package stack
