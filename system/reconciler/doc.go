// Package reconciler holds what every knsim controller shares: the Options
// that inject the clock, the Driver that reads an object, keeps its
// finalizer and writes its status only when it changed, and the helpers
// that create-or-update owned children. Each kind's controller lives in a
// sub-package named after the kind and hands its own logic to the Driver.
package reconciler
