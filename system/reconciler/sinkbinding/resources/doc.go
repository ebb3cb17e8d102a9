// Package resources holds the pure parts of the SinkBinding controller:
// the environment it injects and the edits of a pod template.
package resources
