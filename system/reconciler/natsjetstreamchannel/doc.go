// Package natsjetstreamchannel wires the channelable reconciler to
// messaging.knative.dev/v1alpha1 NatsJetStreamChannels. The data planes
// serve the channel from JetStream (real mode) or model its durable stream
// (virtual mode); the stream and the durable consumers are created by the
// data plane when it installs the channel.
package natsjetstreamchannel
