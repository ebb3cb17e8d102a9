// Package eventingshell is the real Eventing shell of a running knsim
// (knsim up, real mode): the broker ingress and the channel ingress on
// loopback, with real CloudEvents over HTTP, kept in step with the Brokers,
// Triggers and channels of the control plane. Its virtual counterpart is
// sim/eventplane; both run the same cores.
//
// Shell reads the eventing topology from the apiserver
// (topology.ReadEventing in Sync, run at every tick of its resync period on
// the injected clock) and installs it into those cores: broker.Registry for
// brokers and their triggers, channel.Dispatcher for in-memory channels,
// and the JetStream channel class (system/eventing/jetstream) for durable
// channels: every NatsJetStreamChannel (messaging.knative.dev/v1alpha1,
// with its stream and consumer settings), a Channel whose channelTemplate
// names another kind than InMemoryChannel, and, as a knsim extension, an
// InMemoryChannel or Channel annotated messaging.knsim.dev/durable: "true".
//
// Deliveries, retries, replies and dead letters go out through one HTTP
// transport that maps the cluster's host names to loopback by
// network.Classify: the broker ingress host to the broker listener, channel
// hosts ({name}-kn-channel.{ns}.svc[.cluster.local]) to the channel
// listener, and every other cluster-local host and every host under the
// default domain (Knative Services, Routes) to the Serving gateway.
package eventingshell
