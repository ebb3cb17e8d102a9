// Package natsjetstreamchannel reconciles messaging.knative.dev/v1alpha1
// NatsJetStreamChannels: each gets the address of the channel ingress, and
// reports every subscriber in its spec as ready. The data planes serve the
// channel from JetStream (real mode) or model its durable stream (virtual
// mode); the stream and the durable consumers are created by the data
// plane when it installs the channel.
package natsjetstreamchannel
