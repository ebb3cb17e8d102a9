// Package reconciler holds what every knsim controller shares: the Options that
// inject the clock, and the helpers that create-or-update owned children.
// Each kind's controller lives in a sub-package named after the kind.
package reconciler
