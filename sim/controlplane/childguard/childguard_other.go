//go:build !linux

package childguard

// Supported tells whether launchers can be used here (Linux).
func Supported() bool { return false }
