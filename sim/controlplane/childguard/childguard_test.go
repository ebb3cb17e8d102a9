package childguard

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
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
	target, parent, env, ok := launchTarget(launcher)
	if !ok || target != real || parent != os.Getpid() || env != nil {
		t.Errorf("launchTarget = %q, %d, %q, %v; want %s, %d, no environment, true", target, parent, env, ok, real, os.Getpid())
	}
	// Wrapping again (a restart in the same process) replaces the links,
	// and the environment settings with them.
	want := []string{"GOGC=400", "EMPTY=", "WITH_EQUALS=a=b"}
	if _, err := Wrap(filepath.Join(dir, "bin"), real, want...); err != nil {
		t.Fatal(err)
	}
	if _, _, env, ok = launchTarget(launcher); !ok {
		t.Fatal("launchTarget after a second Wrap says no launcher")
	}
	if diff := cmp.Diff(want, env); diff != "" {
		t.Errorf("environment settings (-want +got):\n%s", diff)
	}
	if _, err := Wrap(filepath.Join(dir, "bin"), real); err != nil {
		t.Fatal(err)
	}
	if _, _, env, _ = launchTarget(launcher); env != nil {
		t.Errorf("a Wrap without settings left %q", env)
	}
	for _, argv0 := range []string{"knsim", os.Args[0], filepath.Join(dir, "etcd"), ""} {
		if _, _, _, ok := launchTarget(argv0); ok {
			t.Errorf("launchTarget(%q) says launcher", argv0)
		}
	}
	if _, err := Wrap(dir, filepath.Join(dir, "missing")); err == nil {
		t.Error("Wrap of a missing binary succeeded")
	}
	for _, bad := range []string{"GOGC", "=400", "A=1\nB=2", "A=\x00"} {
		if _, err := Wrap(filepath.Join(dir, "bin"), real, bad); err == nil {
			t.Errorf("Wrap with the setting %q succeeded", bad)
		}
	}
}

// TestWithEnv: the launcher's settings are added to the environment it
// was started with, replacing a setting of the same name and keeping the
// others in their order.
func TestWithEnv(t *testing.T) {
	for _, tc := range []struct {
		name         string
		environ, env []string
		want         []string
	}{
		{name: "no settings", environ: []string{"PATH=/bin", "HOME=/root"}, want: []string{"PATH=/bin", "HOME=/root"}},
		{name: "added", environ: []string{"PATH=/bin"}, env: []string{"GOGC=400"}, want: []string{"PATH=/bin", "GOGC=400"}},
		{name: "replaced", environ: []string{"GOGC=100", "PATH=/bin", "GOGCX=1"}, env: []string{"GOGC=400"},
			want: []string{"PATH=/bin", "GOGCX=1", "GOGC=400"}},
		{name: "empty environment", env: []string{"GOGC=400", "GOMEMLIMIT=1GiB"}, want: []string{"GOGC=400", "GOMEMLIMIT=1GiB"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, withEnv(tc.environ, tc.env)); diff != "" {
				t.Errorf("withEnv (-want +got):\n%s", diff)
			}
		})
	}
}

// TestLaunchSetsEnvironment starts a launcher: the real binary (a script
// that writes its GOGC and PATH) runs with the launcher's settings over
// the environment it was started with.
func TestLaunchSetsEnvironment(t *testing.T) {
	if !Supported() {
		t.Skip("no parent-death signals here")
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	real := filepath.Join(dir, "child")
	script := "#!/bin/sh\necho \"GOGC=$GOGC PATH=$PATH\" > " + out + "\n"
	if err := os.WriteFile(real, []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	launcher, err := Wrap(filepath.Join(dir, "bin"), real, "GOGC=400")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(launcher)
	cmd.Env = []string{"GOGC=100", "PATH=/usr/bin:/bin"}
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("launcher: %v: %s", err, b)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff("GOGC=400 PATH=/usr/bin:/bin\n", string(got)); diff != "" {
		t.Errorf("child's environment (-want +got):\n%s", diff)
	}
}
