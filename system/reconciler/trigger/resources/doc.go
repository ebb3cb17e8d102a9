// Package resources holds the pure parts of the Trigger controller: the
// Subscription a Trigger owns, its name and the broker filter URI.
package resources
