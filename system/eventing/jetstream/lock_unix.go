//go:build unix

package jetstream

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// storeLock is an exclusive flock on the store folder's lock file; the
// kernel releases it when the process ends, however it ends.
type storeLock struct{ f *os.File }

// lockStore takes the lock of store folder dir without waiting.
func lockStore(dir string) (*storeLock, error) {
	f, err := os.OpenFile(filepath.Join(dir, LockFileName), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("jetstream server: locking store folder: %w", err)
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		_ = f.Close()
		if errors.Is(err, unix.EWOULDBLOCK) {
			return nil, &StoreLockedError{Dir: dir}
		}
		return nil, fmt.Errorf("jetstream server: locking store folder %s: %w", dir, err)
	}
	return &storeLock{f: f}, nil
}

// release drops the lock.
func (l *storeLock) release() {
	if l == nil || l.f == nil {
		return
	}
	_ = unix.Flock(int(l.f.Fd()), unix.LOCK_UN)
	_ = l.f.Close()
	l.f = nil
}
