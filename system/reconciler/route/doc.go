// Package route reconciles Routes: it resolves traffic targets to ready
// Revisions, and publishes the Route's URL, address, tag URLs and resolved
// traffic in status.
package route
