// Package kmeta owns small helpers over object metadata shared by the
// reconcilers: owner references, label and annotation maps.
package kmeta
