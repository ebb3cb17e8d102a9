// Package broker reconciles Brokers the way Knative's MTChannelBasedBroker
// does: every Broker gets a trigger channel (an InMemoryChannel named
// {broker}-kne-trigger) that Triggers subscribe to, and is addressed through
// the shared broker ingress at /{namespace}/{broker}. Every broker class is
// served this way.
package broker
