package controlplane

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// errLocked is tryLock's answer when another process holds the lock.
var errLocked = errors.New("locked")

// ErrStateDirInUse is returned by Start when another running control
// plane (in this process or another) holds the state folder.
var ErrStateDirInUse = errors.New("control plane state folder is in use")

// Names inside the state folder and the run folders.
const (
	// StateLockFile is held in the state folder while a control plane runs on it.
	StateLockFile = "controlplane.lock"
	// EtcdDir is etcd's data folder inside the state folder.
	EtcdDir = "etcd"
	// RunDir holds the run folders inside the state folder.
	RunDir = "run"
	// runPrefix starts each run folder's name.
	runPrefix = "run-"
	// runLockFile is held in a run folder while its control plane runs.
	runLockFile = "lock"
)

// runDir is one running control plane's own folder: the apiserver's
// certificates, the webhook server's certificate, the launchers, and
// etcd's data when there is no state folder. Its lock tells a later start
// whether the folder is stale (its process is gone).
type runDir struct {
	path string
	lock *fileLock
}

// newRunDir removes the stale run folders under root (those whose lock
// nobody holds: their process ended without Stop, killed for instance),
// then makes and locks a new one. The folder is made and locked under a
// name removeStale ignores, then renamed: another process's removeStale
// never sees it unlocked.
func newRunDir(root string) (*runDir, error) {
	if err := os.MkdirAll(root, 0o700); err != nil {
		return nil, err
	}
	removeStale(root)
	pid := strconv.Itoa(os.Getpid())
	tmp, err := os.MkdirTemp(root, ".new-"+runPrefix+pid+"-")
	if err != nil {
		return nil, err
	}
	l, err := tryLock(filepath.Join(tmp, runLockFile))
	if err != nil {
		return nil, errors.Join(err, os.RemoveAll(tmp))
	}
	dir := filepath.Join(root, strings.TrimPrefix(filepath.Base(tmp), ".new-"))
	if err := os.Rename(tmp, dir); err != nil {
		l.release()
		return nil, errors.Join(err, os.RemoveAll(tmp))
	}
	return &runDir{path: dir, lock: l}, nil
}

// removeStale deletes every run folder under root that no running
// process holds.
func removeStale(root string) {
	entries, err := os.ReadDir(root)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), runPrefix) {
			continue
		}
		dir := filepath.Join(root, e.Name())
		l, err := tryLock(filepath.Join(dir, runLockFile))
		if err != nil {
			continue // running (or unreadable): leave it
		}
		_ = os.RemoveAll(dir)
		l.release()
	}
}

// sub is a folder inside the run folder.
func (r *runDir) sub(name string) string { return filepath.Join(r.path, name) }

// remove deletes the run folder and drops its lock.
func (r *runDir) remove() error {
	if r == nil {
		return nil
	}
	err := os.RemoveAll(r.path)
	r.lock.release()
	return err
}

// defaultRunRoot holds the run folders of control planes without a state
// folder: one per user under the temporary folder.
func defaultRunRoot() string {
	return filepath.Join(os.TempDir(), "knsim-controlplane-"+strconv.Itoa(os.Getuid()))
}

// moveDir moves the files of folder from into folder to (made), then
// removes from. Renaming is tried first; across file systems the files
// are copied.
func moveDir(from, to string) error {
	if err := os.Rename(from, to); err == nil {
		return nil
	}
	if err := os.MkdirAll(to, 0o700); err != nil {
		return err
	}
	entries, err := os.ReadDir(from)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if !e.Type().IsRegular() {
			return fmt.Errorf("moving %s: %s is not a regular file", from, e.Name())
		}
		if err := copyFile(filepath.Join(from, e.Name()), filepath.Join(to, e.Name())); err != nil {
			return err
		}
	}
	return os.RemoveAll(from)
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, in)
	return errors.Join(err, out.Close())
}
