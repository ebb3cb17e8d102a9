// Package resources builds the children of a Service: its Configuration and Route.
package resources
