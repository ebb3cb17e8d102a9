// Package resources holds the pure parts of the Subscription controller:
// the subscriber entry a Subscription owns in its channel's
// spec.subscribers, and edits of that list.
package resources
