package jetstream

import (
	"errors"
	"fmt"
	"path/filepath"
)

// LockFileName is the lock file an embedded server holds in its store
// folder while it runs.
const LockFileName = "knsim.lock"

// ErrStoreLocked is returned when another process (or another server in
// this one) holds the store folder.
var ErrStoreLocked = errors.New("jetstream store folder is in use")

// StoreLockedError names the store folder another instance holds.
type StoreLockedError struct {
	// Dir is the store folder.
	Dir string
}

// Error says which folder is taken and how to pick another.
func (e *StoreLockedError) Error() string {
	return fmt.Sprintf("%v: %s is locked by another running knsim (lock file %s); "+
		"give this instance its own store folder with --jetstream-store DIR (Config.StoreDir)",
		ErrStoreLocked, e.Dir, filepath.Join(e.Dir, LockFileName))
}

// Is makes errors.Is(err, ErrStoreLocked) hold.
func (e *StoreLockedError) Is(target error) bool { return target == ErrStoreLocked }
