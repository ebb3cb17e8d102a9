// Package servingtest is the envtest suite of knsim's Serving control
// plane (system/stack's controllers and webhooks on a real kube-apiserver,
// started as a sim/world): the Serving samples applied unchanged reach
// Ready, traffic splits and admission behave as Knative's. It holds tests
// only; it lives under sim/ because it drives the stack through the
// simulator's world, which system/ must not import.
package servingtest
