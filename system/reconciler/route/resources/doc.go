// Package resources holds the Route's pure computations: domain selection from
// config-domain, URLs, and resolution of traffic targets.
package resources
