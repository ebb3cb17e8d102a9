// Package jetstream is knsim's durable channel class, backed by NATS
// JetStream, following the precedent of Knative's NATS JetStream channel
// (knative-extensions/eventing-natss):
//
//   - one stream per channel (subject <prefix>.<namespace>.<name>, file
//     storage, interest retention: an event stays until every
//     subscription's consumer has settled it);
//   - one durable pull consumer per subscription, named from the
//     Subscription's namespace/name ("sub_<namespace>_<name>"; its UID
//     when the name is not known), so a Subscription applied again with a
//     new UID resumes its consumer, with explicit ack and max deliver = 1 + retry
//     (+ Config.SpareDeliveries, so an attempt cut short by a restart is
//     not the event's last);
//   - retries are redeliveries: a retriable failure naks the message with
//     the delivery policy's backoff as delay (delivery.Policy.RetryWait for
//     retry k = JetStream's delivery count); the final failure goes to the
//     dead letter sink with the knativeerror* extensions (the delivery
//     core's Delivery.Next / DeadLetterEvent), then the message is acked.
//
// The ingress (Channels.ServeHTTP) answers 202 only after JetStream acked
// the publish, so an accepted event is on disk; a dispatcher (or server)
// restart resumes every consumer from its durable state: events pending,
// waiting for a retry, or in flight when it stopped are delivered after
// the restart (at least once; an attempt in flight at a crash may be
// repeated).
//
// By default New starts an embedded nats-server (JetStream on, file store
// under $XDG_CACHE_HOME/knsim/jetstream/<name>, listening on 127.0.0.1 on
// a free port, or in process); Config.URL points at an external server
// instead. This is a real shell only: goroutines, NATS I/O and HTTP; the
// delivery decisions are the delivery package's core, and every timer the
// package controls comes from the injected Clock.
package jetstream
