// Package eventtype reconciles EventTypes (eventing.knative.dev/v1beta2):
// one is Ready when the Broker (or other object) it references exists. It
// also auto-creates them (autocreate.go): with eventtype-auto-create
// enabled in knative-eventing's config-features, AutoCreate registers an
// EventType for each (type, source) a Broker or channel took, named and
// owned as Knative's ingress and channel handlers do.
package eventtype
