// Package resources holds the pure parts of the InMemoryChannel controller:
// its address and the subscriber statuses it reports.
package resources
