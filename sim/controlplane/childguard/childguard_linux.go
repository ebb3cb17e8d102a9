//go:build linux

package childguard

import (
	"fmt"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// Supported tells whether launchers can be used here (Linux).
func Supported() bool { return true }

// init runs the launcher when this process was started as one: it never
// returns then.
func init() {
	target, parent, env, ok := launchTarget(os.Args[0])
	if !ok {
		return
	}
	os.Exit(launch(target, parent, env))
}

// launch asks for SIGKILL on parent death and execs target with env added
// to the environment; it returns
// an exit code only when that fails. During init the main goroutine runs
// on the main thread, so the setting and the exec apply to it.
func launch(target string, parent int, env []string) int {
	if err := unix.Prctl(unix.PR_SET_PDEATHSIG, uintptr(unix.SIGKILL), 0, 0, 0); err != nil {
		fmt.Fprintf(os.Stderr, "knsim launcher: prctl: %v\n", err)
		return 127
	}
	// The parent may have died before the setting took effect: then
	// nobody would ever stop the child.
	if os.Getppid() != parent {
		fmt.Fprintf(os.Stderr, "knsim launcher: parent %d is gone\n", parent)
		return 127
	}
	argv := append([]string{target}, os.Args[1:]...)
	err := syscall.Exec(target, argv, withEnv(os.Environ(), env))
	fmt.Fprintf(os.Stderr, "knsim launcher: exec %s: %v\n", target, err)
	return 127
}
