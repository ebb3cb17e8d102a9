// Package resources holds the pure parts of the Broker controller: the
// trigger channel it owns and the addresses of the shared broker ingress
// and filter.
package resources
