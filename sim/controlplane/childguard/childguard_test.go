package childguard

import (
	"os"
	"path/filepath"
	"testing"
)

// TestWrap: the launcher is a link to this executable named like the real
// binary, and a process started under that name finds the real binary
// and its expected parent; any other name is not a launcher.
func TestWrap(t *testing.T) {
	if !Supported() {
		t.Skip("no parent-death signals here")
	}
	dir := t.TempDir()
	real := filepath.Join(t.TempDir(), "etcd")
	if err := os.WriteFile(real, []byte("#!/bin/sh\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	launcher, err := Wrap(filepath.Join(dir, "bin"), real)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(launcher) != "etcd" {
		t.Errorf("launcher %s, want one named etcd", launcher)
	}
	self, _ := os.Executable()
	if to, err := os.Readlink(launcher); err != nil || to != self {
		t.Errorf("launcher links to %q (%v), want %s", to, err, self)
	}
	target, parent, ok := launchTarget(launcher)
	if !ok || target != real || parent != os.Getpid() {
		t.Errorf("launchTarget = %q, %d, %v; want %s, %d, true", target, parent, ok, real, os.Getpid())
	}
	// Wrapping again (a restart in the same process) replaces the links.
	if _, err := Wrap(filepath.Join(dir, "bin"), real); err != nil {
		t.Fatal(err)
	}
	for _, argv0 := range []string{"knsim", os.Args[0], filepath.Join(dir, "etcd"), ""} {
		if _, _, ok := launchTarget(argv0); ok {
			t.Errorf("launchTarget(%q) says launcher", argv0)
		}
	}
	if _, err := Wrap(dir, filepath.Join(dir, "missing")); err == nil {
		t.Error("Wrap of a missing binary succeeded")
	}
}
