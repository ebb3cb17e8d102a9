// Package inmemorychannel wires the channelable reconciler to
// InMemoryChannels: each gets the address of the (in-process) channel
// ingress and reports every subscriber in its spec as ready, since
// delivering from memory needs nothing to be set up.
package inmemorychannel
