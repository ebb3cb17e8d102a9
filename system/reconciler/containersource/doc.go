// Package containersource reconciles ContainerSources as Knative does: a
// Deployment {name}-deployment runs the template's producer, and a
// SinkBinding {name}-sinkbinding binds it to the sink. The Deployment is
// built with K_SINK (and K_CE_OVERRIDES) already set to what the binding
// injects, so the two never undo each other. In knsim the producer's
// events come from a simulated workload of the data plane.
package containersource
