// Package eventingtest is the envtest suite of knsim's Eventing control
// plane: the eventing examples applied unchanged reach Ready with the
// addresses, channels and Subscriptions Knative would give them; invalid
// inputs are refused with field paths; SinkBinding, ContainerSource and
// ApiServerSource act on real objects; and a PingSource fires on exact
// minute boundaries in virtual time. It holds tests only; it lives under
// sim/ because it drives the stack through the simulator's world, which
// system/ must not import.
package eventingtest
