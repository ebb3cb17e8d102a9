// Package resources builds the Revisions a Configuration stamps out.
package resources
