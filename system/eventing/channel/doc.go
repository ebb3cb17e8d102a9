// Package channel is knsim's InMemoryChannel data plane, as Knative's
// in-memory channel dispatcher (knative.dev/eventing pkg/channel,
// pkg/channel/fanout) behaves:
//
//   - Dispatcher.Accept is the receiver core: OPTIONS answers the webhook
//     handshake, other methods than POST get 405; the channel is found by
//     path /{namespace}/{name} or, on "/", by the host
//     {name}-kn-channel.{namespace}.svc.<domain>; unknown channels get 404,
//     requests that are not valid CloudEvents 400, oversized bodies 413,
//     and accepted events 202 at once.
//   - Dispatcher.Fanout returns one delivery per subscriber (subscriberUri
//     with its delivery policy); there is no ordering between subscribers
//     and no persistence: a restart loses what is in flight. Delivery is
//     at-least-once per subscriber through retries.
//   - A subscriber's reply goes to its replyUri (Dispatcher.ReplyDelivery),
//     dead-lettering the original event if that fails; without replyUri the
//     reply is dropped. A 2xx body that is not a CloudEvent is ignored, as
//     the channel dispatcher does.
//
// The cores never start goroutines. Handler (realhttp.go) is the real
// shell over a delivery.Dispatcher.
package channel
