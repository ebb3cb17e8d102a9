// Package eventplane is the simulated shell of knsim's Eventing data plane:
// it moves CloudEvents in virtual time through the same functional cores as
// the real shells (system/eventing/broker, channel, delivery, filter), with
// every hop, attempt and backoff an engine event.
//
// The path of an event:
//
//   - A producer (an event workload, a PingSource through the source
//     Emitter) sends it to a URI with Produce. A Broker address
//     (http://broker-ingress.knative-eventing.svc.cluster.local/{ns}/{name})
//     goes to the broker ingress core (validation, 413 over 4 MiB, TTL,
//     knativearrivaltime, 202); a channel address
//     ({name}-kn-channel.{ns}.svc.cluster.local, which Sequences and
//     Parallels use too) to the channel dispatcher core; anything else is a
//     direct send to a Knative Service through the Serving data plane,
//     retried as Knative's source adapters retry (system/source: the
//     CloudEvents client's exponential backoff on its retriable statuses,
//     or the event workload's delivery block).
//   - An accepted event fans out: to every Trigger of the Broker whose
//     filter passes (broker.Ingress.Fanout, filter core incl. CESQL), or to
//     every subscriber of the channel (channel.Dispatcher.Fanout).
//   - Each delivery runs the delivery state machine (delivery.Delivery):
//     the attempt goes through the Serving data plane (Sender, i.e.
//     dataplane.Plane.Send) to the subscriber's host, so activator, queue-
//     proxy, autoscaling and cold starts apply; its outcome is the data
//     plane's status combined with the subscriber's Behaviour (error rate,
//     down windows, replies). Per-attempt timeouts, retries with backoff,
//     dead letters (with the knativeerror* extensions) and drops follow the
//     core's decisions, each wait an engine event.
//   - A subscriber's reply goes back into the Broker with the original's TTL
//     (broker.Ingress.Reply: a reply loop ends when the TTL runs out and the
//     drop is counted), or to the Subscription's reply URI
//     (channel.Dispatcher.ReplyDelivery). Sequences and Parallels need
//     nothing more: their controllers chain channels and Subscriptions, and a
//     Parallel filter passes an event by replying with it.
//
// Dispatchers: every InMemoryChannel, and every Broker (whose trigger
// channel is an InMemoryChannel), is served by one shared in-memory
// dispatcher; a durable channel (a NatsJetStreamChannel, a Channel whose
// template kind is not InMemoryChannel, or, as a knsim extension, an
// InMemoryChannel or Channel annotated messaging.knsim.dev/durable: "true")
// gets a durable dispatcher of its
// own. RestartDispatchers models a restart: the in-memory dispatcher loses
// every delivery it holds and refuses events (503) while it is down; a
// durable one keeps them (the stream) and redelivers each from its first
// attempt once it is back, taking new events meanwhile.
//
// Counting (Stats, Records): produced; accepted by an ingress (replies put
// back into a broker and events forwarded into a channel included);
// rejected; delivered (a subscriber answered 2xx for the first time for
// this event and destination, even when the dispatcher had given up
// waiting); duplicates (later 2xx answers for the same event and
// destination); retries (attempts after the first, durable redeliveries
// included); dead-lettered (events a dead-letter sink took); dropped by
// TTL; filtered ((event, trigger) pairs a filter failed); lost (deliveries
// that ended without a 2xx and without a dead-letter sink taking them:
// retries exhausted with no sink, a failing sink, or held by an in-memory
// dispatcher that restarted). Latency is from the producer's send to the
// first 2xx; a reply keeps its original's send time, so a Sequence's last
// delivery measures the whole pipeline.
//
// Topology comes from the control plane: topology.ReadEventing
// (system/topology) lists Brokers, Triggers, InMemoryChannels,
// NatsJetStreamChannels and Channels (their status.address.url, Triggers'
// status.subscriberUri and dead-letter URIs, channels' spec.subscribers as
// the Subscription controller writes them) and Sync installs it. Hosts are
// told apart by network.Classify (system/network), as in the real shell.
package eventplane
