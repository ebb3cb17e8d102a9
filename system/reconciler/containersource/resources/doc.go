// Package resources holds the pure parts of the ContainerSource controller:
// the Deployment and the SinkBinding a source owns.
package resources
