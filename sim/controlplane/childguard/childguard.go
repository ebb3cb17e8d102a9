package childguard

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Names of the files Wrap writes next to each launcher.
const (
	// targetSuffix marks the link to the real binary: <dir>/<name>+targetSuffix.
	targetSuffix = ".knsim-exec"
	// parentFile holds the pid of the process that wrapped the binaries.
	parentFile = "knsim-parent"
)

// Wrap makes dir hold a launcher for the binary at real: dir/<base name>,
// a link to the running executable, and returns its path. Started in
// place of real, the launcher asks for SIGKILL when its parent dies and
// then becomes real. dir must be this process's own (the launchers name
// it as their expected parent).
func Wrap(dir, real string) (string, error) {
	if !Supported() {
		return "", errors.New("childguard: parent-death signals are not supported on this system")
	}
	self, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("childguard: finding the running executable: %w", err)
	}
	abs, err := filepath.Abs(real)
	if err != nil {
		return "", fmt.Errorf("childguard: %w", err)
	}
	if _, err := os.Stat(abs); err != nil {
		return "", fmt.Errorf("childguard: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("childguard: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, parentFile), []byte(strconv.Itoa(os.Getpid())), 0o600); err != nil {
		return "", fmt.Errorf("childguard: %w", err)
	}
	launcher := filepath.Join(dir, filepath.Base(abs))
	for link, to := range map[string]string{launcher: self, launcher + targetSuffix: abs} {
		if err := os.Remove(link); err != nil && !errors.Is(err, os.ErrNotExist) {
			return "", fmt.Errorf("childguard: %w", err)
		}
		if err := os.Symlink(to, link); err != nil {
			return "", fmt.Errorf("childguard: %w", err)
		}
	}
	return launcher, nil
}

// launchTarget tells whether this process was started as a launcher:
// it returns the real binary and the pid of the expected parent.
func launchTarget(argv0 string) (target string, parent int, ok bool) {
	if argv0 == "" || !strings.ContainsRune(argv0, os.PathSeparator) {
		return "", 0, false
	}
	target, err := os.Readlink(argv0 + targetSuffix)
	if err != nil {
		return "", 0, false
	}
	b, err := os.ReadFile(filepath.Join(filepath.Dir(argv0), parentFile))
	if err != nil {
		return "", 0, false
	}
	parent, err = strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		return "", 0, false
	}
	return target, parent, true
}
