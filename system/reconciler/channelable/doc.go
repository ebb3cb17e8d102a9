// Package channelable reconciles the channel kinds whose spec and status
// are Knative's Channelable duck type (InMemoryChannel,
// NatsJetStreamChannel): each gets the address of the channel ingress,
// reports every subscriber in its spec as ready, and resolves its dead
// letter sink. The dispatchers run in the data plane's process, which sets
// up whatever a class needs (a JetStream stream and durable consumers)
// when it installs the channel, so there is nothing to wait for here.
package channelable
