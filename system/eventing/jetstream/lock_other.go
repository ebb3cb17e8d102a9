//go:build !unix

package jetstream

// storeLock is a no-op where flock is not available.
type storeLock struct{}

// lockStore does not lock on this platform.
func lockStore(string) (*storeLock, error) { return &storeLock{}, nil }

// release does nothing.
func (*storeLock) release() {}
