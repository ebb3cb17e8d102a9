// Package subscription reconciles Subscriptions: it resolves the
// subscriber, reply and dead letter sink to URIs and writes them into the
// channel's spec.subscribers (any channel kind, read and written as
// unstructured), then waits for the channel to report the subscriber ready.
// A finalizer takes the Subscription off the channel when it is deleted.
package subscription
