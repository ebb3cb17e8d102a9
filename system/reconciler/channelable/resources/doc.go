// Package resources holds the pure parts of the channel controllers
// (InMemoryChannel, NatsJetStreamChannel): a channel's address and the
// subscriber statuses it reports.
package resources
