//go:build linux

package controlplane

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// crashAPIServer kills kube-apiserver with SIGKILL, as a crash would. A
// graceful stop waits for the watches of running informers to drain, which
// kube-apiserver gives up to a minute; a crash ends them at once, and is
// what a chaos test wants anyway. envtest starts the apiserver as the
// leader of its own process group, a child of this process whose
// command line names its certificate folder.
func crashAPIServer(certDir string) error {
	pid, err := childWithArg("--cert-dir=" + certDir)
	if err != nil {
		return err
	}
	if err := syscall.Kill(-pid, syscall.SIGKILL); err != nil && !errors.Is(err, syscall.ESRCH) {
		return fmt.Errorf("killing kube-apiserver (pid %d): %w", pid, err)
	}
	return nil
}

// childWithArg finds the child process of this one whose command line
// holds arg.
func childWithArg(arg string) (int, error) {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0, fmt.Errorf("listing processes: %w", err)
	}
	self := os.Getpid()
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue // gone meanwhile
		}
		// pid (comm) state ppid ...: comm may hold spaces, so read after its ')'.
		fields := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
		if len(fields) < 2 || fields[1] != strconv.Itoa(self) {
			continue
		}
		cmdline, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil {
			continue
		}
		for _, a := range bytes.Split(cmdline, []byte{0}) {
			if string(a) == arg {
				return pid, nil
			}
		}
	}
	return 0, fmt.Errorf("no child process with %s", arg)
}
