// Package trigger reconciles Triggers as Knative's MT channel-based broker
// does: each Trigger subscribes the shared broker filter (at
// /triggers/{namespace}/{trigger}/{uid}) to its Broker's trigger channel,
// with the Broker's ingress as the reply, and resolves its own subscriber
// for the filter to deliver to.
package trigger
