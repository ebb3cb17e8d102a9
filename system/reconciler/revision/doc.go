// Package revision reconciles Revisions: each owns a Deployment
// `<rev>-deployment` (user container plus queue-proxy), a PodAutoscaler and a
// ServerlessService named after it, and reports readiness from them.
package revision
