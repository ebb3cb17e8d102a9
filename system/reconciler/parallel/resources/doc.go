// Package resources holds the pure parts of the Parallel controller: the
// names and specs of its channels and Subscriptions.
package resources
