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
	// envSuffix marks the file of environment settings the launcher adds
	// before it execs the real binary: <dir>/<name>+envSuffix, one
	// NAME=value a line.
	envSuffix = ".knsim-env"
)

// Wrap makes dir hold a launcher for the binary at real: dir/<base name>,
// a link to the running executable, and returns its path. Started in
// place of real, the launcher asks for SIGKILL when its parent dies and
// then becomes real, with env (NAME=value settings) over the environment
// it was started with: the child's own settings (its Go runtime's GOGC,
// for instance) without touching this process's environment. dir must be
// this process's own (the launchers name it as their expected parent).
func Wrap(dir, real string, env ...string) (string, error) {
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
	for _, kv := range env {
		if k, _, ok := strings.Cut(kv, "="); !ok || k == "" || strings.ContainsAny(kv, "\n\x00") {
			return "", fmt.Errorf("childguard: environment setting %q is not NAME=value on one line", kv)
		}
	}
	launcher := filepath.Join(dir, filepath.Base(abs))
	envFile := launcher + envSuffix
	if err := os.Remove(envFile); err != nil && !errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("childguard: %w", err)
	}
	if len(env) > 0 {
		if err := os.WriteFile(envFile, []byte(strings.Join(env, "\n")+"\n"), 0o600); err != nil {
			return "", fmt.Errorf("childguard: %w", err)
		}
	}
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
// it returns the real binary, the pid of the expected parent and the
// environment settings to add.
func launchTarget(argv0 string) (target string, parent int, env []string, ok bool) {
	if argv0 == "" || !strings.ContainsRune(argv0, os.PathSeparator) {
		return "", 0, nil, false
	}
	target, err := os.Readlink(argv0 + targetSuffix)
	if err != nil {
		return "", 0, nil, false
	}
	b, err := os.ReadFile(filepath.Join(filepath.Dir(argv0), parentFile))
	if err != nil {
		return "", 0, nil, false
	}
	parent, err = strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		return "", 0, nil, false
	}
	if b, err = os.ReadFile(argv0 + envSuffix); err == nil {
		env = strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	} else if !errors.Is(err, os.ErrNotExist) {
		return "", 0, nil, false
	}
	return target, parent, env, true
}

// withEnv is environ with the settings of env added, a setting of env
// replacing environ's of the same name.
func withEnv(environ, env []string) []string {
	if len(env) == 0 {
		return environ
	}
	set := make(map[string]bool, len(env))
	for _, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		set[k] = true
	}
	out := make([]string, 0, len(environ)+len(env))
	for _, kv := range environ {
		if k, _, _ := strings.Cut(kv, "="); !set[k] {
			out = append(out, kv)
		}
	}
	return append(out, env...)
}
