package controlplane

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	"sigs.k8s.io/controller-runtime/pkg/webhook"

	"github.com/knsim/knsim/sim/controlplane/childguard"
	"github.com/knsim/knsim/system/config"
	knwebhook "github.com/knsim/knsim/system/webhook"
)

// Versions of the control-plane binaries; the Makefile builds them into
// DefaultAssetsDir.
const (
	KubernetesVersion = "1.37.2"
	EtcdVersion       = "3.6.5"
)

// DefaultAssetsDir is where `make envtest` caches the binaries:
// $XDG_CACHE_HOME/knsim/envtest/k8s-<v>-etcd-<v> (or ~/.cache/...).
func DefaultAssetsDir() string {
	base := os.Getenv("XDG_CACHE_HOME")
	if base == "" {
		home, _ := os.UserHomeDir()
		base = filepath.Join(home, ".cache")
	}
	return filepath.Join(base, "knsim", "envtest", "k8s-"+KubernetesVersion+"-etcd-"+EtcdVersion)
}

// AssetsDir is $KUBEBUILDER_ASSETS when set, else DefaultAssetsDir.
func AssetsDir() string {
	if d := os.Getenv("KUBEBUILDER_ASSETS"); d != "" {
		return d
	}
	return DefaultAssetsDir()
}

// Options configure Start.
type Options struct {
	// Scheme must know every type the webhooks serve.
	Scheme *runtime.Scheme
	// AssetsDir holds kube-apiserver and etcd; default AssetsDir().
	AssetsDir string
	// Webhooks registers knsim's admission webhooks (default on in Start's callers).
	Webhooks bool
	// StateDir keeps the control plane across restarts: etcd's data lives
	// in StateDir/etcd, which Stop keeps, so a Start on the same folder
	// finds every object again with its UID and resourceVersion. "" gives
	// a temporary etcd that Stop removes. One control plane runs on a
	// folder at a time (ErrStateDirInUse). The apiserver's certificates and
	// service-account keys are made anew at each start; stored objects do
	// not depend on them.
	StateDir string
}

// ControlPlane is a running apiserver + etcd.
type ControlPlane struct {
	env *envtest.Environment
	// Config reaches the apiserver as an administrator.
	Config *rest.Config
	// ControllerConfig reaches the apiserver as the controllers'
	// ServiceAccount, knative-serving/knsim-controller, which holds only the
	// knsim-controller ClusterRole of system/config/rbac (generated from
	// the rbac markers): the manager, webhook server, cluster emulation and
	// shells use it, so a permission the role lacks fails their requests.
	ControllerConfig *rest.Config
	// run is this control plane's own folder (certificates, launchers,
	// a temporary etcd); Stop removes it.
	run *runDir
	// stateDir is Options.StateDir; stateLock holds it while the control
	// plane runs.
	stateDir  string
	stateLock *fileLock
	// apiDown is set between StopAPIServer and StartAPIServer (restart.go).
	apiDown bool
}

// Start launches the apiserver and etcd and installs knsim's CRDs (and webhook
// configurations, which point at a local webhook server described by
// WebhookServerOptions).
//
// Both processes die with this one: on Linux each is started through a
// launcher that asks for SIGKILL when its parent dies (see childguard),
// so even a SIGKILL of this process leaves no etcd or kube-apiserver
// behind. Their folders live in a run folder (under StateDir/run, or
// knsim-controlplane-<uid> in the temporary folder) that Stop removes;
// a later Start removes the run folders of processes that were killed.
func Start(opts Options) (*ControlPlane, error) {
	if opts.Scheme == nil {
		return nil, errors.New("controlplane: Scheme is required")
	}
	dir := opts.AssetsDir
	if dir == "" {
		dir = AssetsDir()
	}
	for _, bin := range []string{"kube-apiserver", "etcd"} {
		if _, err := os.Stat(filepath.Join(dir, bin)); err != nil {
			return nil, fmt.Errorf("controlplane: %s not found in %s; run `make envtest` to build it from Go modules: %w", bin, dir, err)
		}
	}
	crds, err := config.CRDs()
	if err != nil {
		return nil, fmt.Errorf("controlplane: %w", err)
	}
	cp := &ControlPlane{}
	runRoot := defaultRunRoot()
	if opts.StateDir != "" {
		if cp.stateLock, err = lockStateDir(opts.StateDir); err != nil {
			return nil, err
		}
		cp.stateDir = opts.StateDir
		runRoot = filepath.Join(opts.StateDir, RunDir)
	}
	if cp.run, err = newRunDir(runRoot); err != nil {
		cp.stateLock.release()
		return nil, fmt.Errorf("controlplane: making the run folder: %w", err)
	}
	etcdData := cp.run.sub(EtcdDir)
	if opts.StateDir != "" {
		etcdData = filepath.Join(opts.StateDir, EtcdDir)
	}
	if err := os.MkdirAll(etcdData, 0o700); err != nil {
		return nil, errors.Join(fmt.Errorf("controlplane: %w", err), cp.release())
	}
	etcdBin, apiBin := filepath.Join(dir, "etcd"), filepath.Join(dir, "kube-apiserver")
	if childguard.Supported() {
		bin := cp.run.sub("bin")
		if etcdBin, err = childguard.Wrap(bin, etcdBin); err == nil {
			apiBin, err = childguard.Wrap(bin, apiBin, apiserverEnv()...)
		}
		if err != nil {
			return nil, errors.Join(fmt.Errorf("controlplane: %w", err), cp.release())
		}
	}
	env := &envtest.Environment{
		Scheme:                opts.Scheme,
		CRDs:                  crds,
		BinaryAssetsDirectory: dir,
		ErrorIfCRDPathMissing: false,
	}
	env.ControlPlane.Etcd = &envtest.Etcd{DataDir: etcdData, Path: etcdBin}
	env.ControlPlane.APIServer = &envtest.APIServer{CertDir: cp.run.sub("apiserver"), Path: apiBin}
	configureAPIServer(env.ControlPlane.APIServer)
	if err := os.MkdirAll(env.ControlPlane.APIServer.CertDir, 0o700); err != nil {
		return nil, errors.Join(fmt.Errorf("controlplane: %w", err), cp.release())
	}
	cp.env = env
	if opts.Webhooks {
		env.WebhookInstallOptions = envtest.WebhookInstallOptions{
			MutatingWebhooks:   []*admissionregistrationv1.MutatingWebhookConfiguration{knwebhook.MutatingConfiguration()},
			ValidatingWebhooks: []*admissionregistrationv1.ValidatingWebhookConfiguration{knwebhook.ValidatingConfiguration()},
		}
	}
	cfg, err := env.Start()
	if err != nil {
		// envtest leaves what it started running when Start fails.
		return nil, errors.Join(fmt.Errorf("controlplane: starting envtest: %w", err), env.Stop(), cp.release())
	}
	// envtest writes the webhook server's certificate to a folder of its
	// own in the temporary folder: move it into the run folder, which a
	// later start cleans up if this process is killed.
	if o := &env.WebhookInstallOptions; o.LocalServingCertDir != "" {
		to := cp.run.sub("webhook")
		if err := moveDir(o.LocalServingCertDir, to); err != nil {
			return nil, errors.Join(fmt.Errorf("controlplane: moving the webhook certificate: %w", err), env.Stop(), cp.release())
		}
		o.LocalServingCertDir = to
	}
	// The in-process clients (manager, cluster emulation, scenario driver)
	// are the apiserver's only users: no client-side rate limit. envtest's
	// 1000 QPS would otherwise queue a burst of writes on the client.
	cfg.QPS, cfg.Burst = -1, 0
	cp.Config = cfg
	ctl, err := cp.installRBAC(context.Background(), cfg)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("controlplane: installing the controllers' RBAC: %w", err), env.Stop(), cp.release())
	}
	ctl.QPS, ctl.Burst = -1, 0
	cp.ControllerConfig = ctl
	return cp, nil
}

// lockStateDir makes the state folder and takes its lock.
func lockStateDir(dir string) (*fileLock, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("controlplane: state folder: %w", err)
	}
	l, err := tryLock(filepath.Join(dir, StateLockFile))
	if errors.Is(err, errLocked) {
		return nil, fmt.Errorf("%w: %s is held by another running knsim (lock file %s); give each instance its own state folder",
			ErrStateDirInUse, dir, filepath.Join(dir, StateLockFile))
	}
	if err != nil {
		return nil, fmt.Errorf("controlplane: state folder: %w", err)
	}
	return l, nil
}

// release removes the run folder and drops the state folder's lock.
func (cp *ControlPlane) release() error {
	err := cp.run.remove()
	cp.stateLock.release()
	return err
}

// crdSettleTime is how long after a CRD is Established kube-apiserver
// holds every create of its objects for 2 s (apiextensions-apiserver's
// crdHandler, for HA apiservers that have not yet seen the CRD).
const crdSettleTime = 2 * time.Second

// CreatesUnheld returns when creates of objects of knsim's kinds are no
// longer held: crdSettleTime after the last CRD became Established, as the
// apiserver reckons it from the condition's time (kept to the second). A
// run that creates its first objects earlier sees each create of a kind
// whose CRD is that fresh take 2 s more.
func (cp *ControlPlane) CreatesUnheld(ctx context.Context) (time.Time, error) {
	s := runtime.NewScheme()
	if err := apiextensionsv1.AddToScheme(s); err != nil {
		return time.Time{}, err
	}
	c, err := client.New(cp.Config, client.Options{Scheme: s})
	if err != nil {
		return time.Time{}, fmt.Errorf("controlplane: %w", err)
	}
	var crds apiextensionsv1.CustomResourceDefinitionList
	if err := c.List(ctx, &crds); err != nil {
		return time.Time{}, fmt.Errorf("controlplane: listing CRDs: %w", err)
	}
	var last time.Time
	for _, crd := range crds.Items {
		for _, cond := range crd.Status.Conditions {
			if cond.Type == apiextensionsv1.Established && cond.LastTransitionTime.After(last) {
				last = cond.LastTransitionTime.Time
			}
		}
	}
	if last.IsZero() {
		return last, nil
	}
	return last.Add(crdSettleTime), nil
}

// WebhookServer returns a webhook server listening where the installed webhook
// configurations point, with envtest's generated certificate.
func (cp *ControlPlane) WebhookServer() webhook.Server {
	o := cp.env.WebhookInstallOptions
	return webhook.NewServer(webhook.Options{Host: o.LocalServingHost, Port: o.LocalServingPort, CertDir: o.LocalServingCertDir})
}

// AdminKubeconfig returns a kubeconfig for a new user in system:masters.
func (cp *ControlPlane) AdminKubeconfig() ([]byte, error) {
	user, err := cp.env.ControlPlane.AddUser(envtest.User{Name: "knsim-admin", Groups: []string{"system:masters"}}, nil)
	if err != nil {
		return nil, fmt.Errorf("controlplane: adding admin user: %w", err)
	}
	kc, err := user.KubeConfig()
	if err != nil {
		return nil, fmt.Errorf("controlplane: writing kubeconfig: %w", err)
	}
	return kc, nil
}

// StateDir is the state folder the control plane keeps ("" when its
// etcd is temporary).
func (cp *ControlPlane) StateDir() string { return cp.stateDir }

// Stop shuts the apiserver and etcd down and removes the run folder, with
// etcd's data unless it lives in the state folder.
func (cp *ControlPlane) Stop() error {
	var errs []error
	if err := cp.env.Stop(); err != nil {
		errs = append(errs, fmt.Errorf("controlplane: stopping envtest: %w", err))
	}
	if err := cp.release(); err != nil {
		errs = append(errs, fmt.Errorf("controlplane: removing the run folder: %w", err))
	}
	return errors.Join(errs...)
}
