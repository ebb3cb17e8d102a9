package upsoak

import "syscall"

// dieWithParent makes the child get SIGKILL when this process dies, so an
// interrupted soak leaves no knsim behind (knsim's own children follow it).
func dieWithParent() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
