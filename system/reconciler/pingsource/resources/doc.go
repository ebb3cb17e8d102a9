// Package resources holds the pure parts of the PingSource controller: the
// event a source emits at a fire time, and the fire-time arithmetic.
package resources
