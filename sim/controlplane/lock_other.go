//go:build !unix

package controlplane

import "os"

// fileLock is a no-op where flock is missing: nothing is locked.
type fileLock struct{ f *os.File }

// tryLock creates path and always succeeds.
func tryLock(path string) (*fileLock, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	return &fileLock{f: f}, nil
}

// release closes the file.
func (l *fileLock) release() {
	if l != nil && l.f != nil {
		_ = l.f.Close()
		l.f = nil
	}
}
