package controlplane

import (
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	. "github.com/onsi/gomega"

	"github.com/knsim/knsim/sim/controlplane/childguard"
)

// TestAPIServerEnv: kube-apiserver gets knsim's GOGC unless knsim's own
// environment sets one, which the child then inherits as before.
func TestAPIServerEnv(t *testing.T) {
	for _, tc := range []struct {
		name string
		gogc *string
		want []string
	}{
		{name: "unset", want: []string{"GOGC=" + apiserverGOGC}},
		{name: "set by the user", gogc: ptr("150")},
		{name: "set empty", gogc: ptr("")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.gogc != nil {
				t.Setenv("GOGC", *tc.gogc)
			} else {
				t.Setenv("GOGC", "") // restored after the test
				os.Unsetenv("GOGC")
			}
			if diff := cmp.Diff(tc.want, apiserverEnv()); diff != "" {
				t.Errorf("apiserverEnv (-want +got):\n%s", diff)
			}
		})
	}
}

func ptr(s string) *string { return &s }

// TestAPIServerSettings: the running kube-apiserver has knsim's GOGC in
// its environment and its feature gates on its command line; etcd keeps
// the environment it inherits.
func TestAPIServerSettings(t *testing.T) {
	needAssets(t)
	if runtime.GOOS != "linux" || !childguard.Supported() {
		t.Skip("reads /proc; settings go through the Linux launcher")
	}
	t.Setenv("TMPDIR", t.TempDir())
	t.Setenv("GOGC", "")
	os.Unsetenv("GOGC")
	g := NewWithT(t)
	cp := start(t, Options{})
	defer func() { g.Expect(cp.Stop()).To(Succeed()) }()
	got := map[string][]string{}
	for _, pid := range childrenOf(os.Getpid()) {
		comm := commOf(pid)
		if comm != "kube-apiserver" && comm != "etcd" {
			continue
		}
		environ, err := procStrings(pid, "environ")
		g.Expect(err).NotTo(HaveOccurred())
		args, err := procStrings(pid, "cmdline")
		g.Expect(err).NotTo(HaveOccurred())
		for _, kv := range environ {
			if strings.HasPrefix(kv, "GOGC=") {
				got[comm] = append(got[comm], kv)
			}
		}
		for _, a := range args {
			if strings.HasPrefix(a, "--feature-gates=") {
				got[comm] = append(got[comm], a)
			}
		}
	}
	want := map[string][]string{"kube-apiserver": {
		"GOGC=" + apiserverGOGC,
		"--feature-gates=" + strings.Join(apiserverFeatureGates, ","),
	}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("children's settings (-want +got):\n%s", diff)
	}
}

// procStrings reads a NUL-separated file of /proc/pid.
func procStrings(pid int, file string) ([]string, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/" + file)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(strings.Split(string(b), "\x00"), func(s string) bool { return s == "" }), nil
}
