// Package resources holds the pure parts of the ApiServerSource controller:
// the events a change produces and the filters a change must pass.
package resources
