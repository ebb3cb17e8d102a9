// Package configuration reconciles Configurations: every change of
// spec.template stamps out a new immutable Revision, and the status tracks the
// latest created and latest ready Revision.
package configuration
