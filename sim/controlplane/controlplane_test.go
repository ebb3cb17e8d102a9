package controlplane

import (
	"bufio"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	messagingv1 "github.com/knsim/knsim/system/apis/messaging/v1"
	"github.com/knsim/knsim/system/stack"
)

// Deadlines for Eventually on real processes (not waits).
const (
	waitFor = 60 * time.Second
	pollFor = 50 * time.Millisecond
)

func needAssets(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(AssetsDir(), "kube-apiserver")); err != nil {
		t.Skipf("envtest binaries missing in %s (make envtest)", AssetsDir())
	}
}

func start(t *testing.T, o Options) *ControlPlane {
	t.Helper()
	o.Scheme = stack.Scheme()
	cp, err := Start(o)
	if err != nil {
		t.Fatal(err)
	}
	return cp
}

// TestStateDirKeepsObjects stops a control plane with a state folder and
// starts another on it: every object is there again with its UID (a
// built-in kind and a knsim CRD's), the CRDs and webhook configurations
// are installed again over the stored ones, and a second control plane
// cannot take the folder while one runs. Nothing is left in the
// temporary folder after a clean stop.
func TestStateDirKeepsObjects(t *testing.T) {
	needAssets(t)
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp) // envtest's own temporary folders land here
	state := filepath.Join(t.TempDir(), "state")
	g := NewWithT(t)
	ctx := context.Background()

	a := start(t, Options{StateDir: state})
	c, err := client.New(a.Config, client.Options{Scheme: stack.Scheme()})
	g.Expect(err).NotTo(HaveOccurred())
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "kept"}, Data: map[string]string{"k": "v"}}
	imc := &messagingv1.InMemoryChannel{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "orders"}}
	g.Expect(c.Create(ctx, cm)).To(Succeed())
	g.Expect(c.Create(ctx, imc)).To(Succeed())
	_, err = Start(Options{Scheme: stack.Scheme(), StateDir: state})
	g.Expect(err).To(MatchError(ErrStateDirInUse))
	g.Expect(a.StateDir()).To(Equal(state))
	g.Expect(a.Stop()).To(Succeed())
	g.Expect(filepath.Join(state, EtcdDir, "member")).To(BeADirectory(), "etcd's data stays in the state folder")
	g.Expect(os.ReadDir(filepath.Join(state, RunDir))).To(BeEmpty(), "the run folder goes with a clean stop")

	b := start(t, Options{StateDir: state, Webhooks: true})
	defer func() { g.Expect(b.Stop()).To(Succeed()) }()
	c, err = client.New(b.Config, client.Options{Scheme: stack.Scheme()})
	g.Expect(err).NotTo(HaveOccurred())
	var cm2 corev1.ConfigMap
	var imc2 messagingv1.InMemoryChannel
	g.Expect(c.Get(ctx, client.ObjectKeyFromObject(cm), &cm2)).To(Succeed())
	g.Expect(c.Get(ctx, client.ObjectKeyFromObject(imc), &imc2)).To(Succeed())
	g.Expect(cm2.UID).To(Equal(cm.UID))
	g.Expect(cm2.Data).To(Equal(cm.Data))
	g.Expect(imc2.UID).To(Equal(imc.UID))
	g.Expect(b.env.WebhookInstallOptions.LocalServingCertDir).To(HavePrefix(filepath.Join(state, RunDir)))
	g.Expect(filepath.Join(b.env.WebhookInstallOptions.LocalServingCertDir, "tls.crt")).To(BeAnExistingFile())
	// Only the (empty) root of the run folders of control planes without
	// a state folder may be in the temporary folder.
	left, err := os.ReadDir(tmp)
	g.Expect(err).NotTo(HaveOccurred())
	for _, e := range left {
		g.Expect(e.Name()).To(HavePrefix("knsim-controlplane-"), "left in the temporary folder: %s", e.Name())
	}
}

// TestTemporaryControlPlaneLeavesNothing: without a state folder, Stop
// removes etcd's data and every folder the control plane made.
func TestTemporaryControlPlaneLeavesNothing(t *testing.T) {
	needAssets(t)
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	g := NewWithT(t)
	cp := start(t, Options{Webhooks: true})
	g.Expect(cp.run.path).To(HavePrefix(filepath.Join(tmp, "knsim-controlplane-")))
	g.Expect(cp.Stop()).To(Succeed())
	roots, err := os.ReadDir(tmp)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(roots).To(HaveLen(1))
	g.Expect(os.ReadDir(filepath.Join(tmp, roots[0].Name()))).To(BeEmpty())
}

// TestRemoveStale: a run folder nobody holds (its process was killed) is
// removed by the next start; a held one stays.
func TestRemoveStale(t *testing.T) {
	g := NewWithT(t)
	root := t.TempDir()
	stale := filepath.Join(root, "run-1-a")
	g.Expect(os.MkdirAll(filepath.Join(stale, "apiserver"), 0o700)).To(Succeed())
	g.Expect(os.WriteFile(filepath.Join(stale, runLockFile), nil, 0o600)).To(Succeed())
	other := filepath.Join(root, "unrelated")
	g.Expect(os.Mkdir(other, 0o700)).To(Succeed())
	held, err := newRunDir(root)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(stale).NotTo(BeADirectory())
	g.Expect(other).To(BeADirectory())
	if runtime.GOOS != "windows" {
		next, err := newRunDir(root)
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(held.path).To(BeADirectory(), "a running control plane's folder stays")
		g.Expect(next.remove()).To(Succeed())
	}
	g.Expect(held.remove()).To(Succeed())
}

// helperEnv makes this test binary, started by TestChildrenDieWithParent,
// act as a knsim that starts a control plane on the state folder the
// variable names and waits to be killed.
const helperEnv = "KNSIM_CONTROLPLANE_TEST_PARENT"

// TestChildrenDieWithParent starts a control plane in another process
// (this test binary again), kills that process with SIGKILL, and checks
// that its etcd and kube-apiserver die too. The next start on the same
// state folder removes the killed run's folder and finds the objects.
func TestChildrenDieWithParent(t *testing.T) {
	if dir := os.Getenv(helperEnv); dir != "" {
		runHelperParent(t, dir)
		return
	}
	if runtime.GOOS != "linux" {
		t.Skip("parent-death signals are Linux only")
	}
	needAssets(t)
	g := NewWithT(t)
	g.SetDefaultEventuallyTimeout(waitFor)
	g.SetDefaultEventuallyPollingInterval(pollFor)
	state := filepath.Join(t.TempDir(), "state")

	parent := exec.Command(os.Args[0], "-test.run=^TestChildrenDieWithParent$", "-test.v")
	parent.Env = append(os.Environ(), helperEnv+"="+state)
	stdin, err := parent.StdinPipe()
	g.Expect(err).NotTo(HaveOccurred())
	defer stdin.Close()
	out, err := parent.StdoutPipe()
	g.Expect(err).NotTo(HaveOccurred())
	parent.Stderr = os.Stderr
	g.Expect(parent.Start()).To(Succeed())
	ready := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "control plane ready") {
				ready <- nil
				for sc.Scan() {
				}
				return
			}
		}
		ready <- errors.New("the parent exited before its control plane was ready")
	}()
	g.Eventually(ready).Should(Receive(BeNil()))
	children := childrenOf(parent.Process.Pid)
	names := map[string]bool{}
	for _, pid := range children {
		names[commOf(pid)] = true
	}
	g.Expect(names).To(HaveKey("etcd"))
	g.Expect(names).To(HaveKey("kube-apiserver"))

	g.Expect(parent.Process.Kill()).To(Succeed())
	_ = parent.Wait()
	for _, pid := range children {
		g.Eventually(func() bool { return alive(pid) }).Should(BeFalse(), "child %d (%s) outlived its parent", pid, commOf(pid))
	}
	runs, err := os.ReadDir(filepath.Join(state, RunDir))
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(runs).To(HaveLen(1), "the killed run's folder, until the next start")

	cp := start(t, Options{StateDir: state})
	defer func() { g.Expect(cp.Stop()).To(Succeed()) }()
	runs, err = os.ReadDir(filepath.Join(state, RunDir))
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(runs).To(HaveLen(1))
	g.Expect(filepath.Join(state, RunDir, runs[0].Name())).To(Equal(cp.run.path), "the stale run folder is gone")
	c, err := client.New(cp.Config, client.Options{Scheme: stack.Scheme()})
	g.Expect(err).NotTo(HaveOccurred())
	var cm corev1.ConfigMap
	g.Expect(c.Get(context.Background(), client.ObjectKey{Namespace: "default", Name: "from-killed-parent"}, &cm)).To(Succeed())
}

// runHelperParent starts a control plane on dir, stores a ConfigMap,
// says so on stdout, and blocks until killed (or stdin closes).
func runHelperParent(t *testing.T, dir string) {
	cp := start(t, Options{StateDir: dir})
	c, err := client.New(cp.Config, client.Options{Scheme: stack.Scheme()})
	if err == nil {
		err = c.Create(context.Background(), &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "from-killed-parent"}})
	}
	if err != nil {
		t.Fatal(errors.Join(err, cp.Stop()))
	}
	os.Stdout.WriteString("control plane ready\n")
	buf := make([]byte, 1)
	_, _ = os.Stdin.Read(buf)
	t.Fatal(errors.Join(errors.New("stdin closed before the parent was killed"), cp.Stop()))
}

// childrenOf lists the processes whose parent is pid (from /proc).
func childrenOf(pid int) []int {
	entries, _ := os.ReadDir("/proc")
	var out []int
	for _, e := range entries {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if f := statFields(p); len(f) > 1 && f[1] == strconv.Itoa(pid) {
			out = append(out, p)
		}
	}
	return out
}

// statFields are /proc/pid/stat's fields after the command: state,
// parent pid, ...
func statFields(pid int) []string {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return nil
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return nil
	}
	return strings.Fields(s[i+1:])
}

// alive: the process exists and is not a zombie waiting to be reaped.
func alive(pid int) bool {
	f := statFields(pid)
	return len(f) > 0 && f[0] != "Z" && f[0] != "X"
}

func commOf(pid int) string {
	b, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/comm")
	return strings.TrimSpace(string(b))
}
