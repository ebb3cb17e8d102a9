// Package sinkbinding reconciles SinkBindings: it resolves the sink and
// injects K_SINK (and K_CE_OVERRIDES when the binding sets CloudEvent
// overrides) into every container of its subjects' pod templates, found by
// name or label selector. Any kind with spec.template.spec.containers can
// be a subject; it is edited as an unstructured object. A finalizer takes
// the injection out again when the binding is deleted.
//
// Subjects created after the binding are picked up when they are
// Deployments (which the controller watches); other kinds on the binding's
// next reconcile.
package sinkbinding
