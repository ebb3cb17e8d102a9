// Package eventtype reconciles EventTypes: one is Ready when the Broker (or
// other object) it references exists.
package eventtype
