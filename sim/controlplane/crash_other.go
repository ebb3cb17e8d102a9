//go:build !linux

package controlplane

import "errors"

// crashAPIServer is Linux-only; elsewhere StopAPIServer stops
// kube-apiserver gracefully.
func crashAPIServer(string) error { return errors.ErrUnsupported }
