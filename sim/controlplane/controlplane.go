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
}

// ControlPlane is a running apiserver + etcd.
type ControlPlane struct {
	env *envtest.Environment
	// Config reaches the apiserver as an administrator.
	Config *rest.Config
}

// Start launches the apiserver and etcd and installs knsim's CRDs (and webhook
// configurations, which point at a local webhook server described by
// WebhookServerOptions).
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
	env := &envtest.Environment{
		Scheme:                opts.Scheme,
		CRDs:                  crds,
		BinaryAssetsDirectory: dir,
		ErrorIfCRDPathMissing: false,
	}
	if opts.Webhooks {
		env.WebhookInstallOptions = envtest.WebhookInstallOptions{
			MutatingWebhooks:   []*admissionregistrationv1.MutatingWebhookConfiguration{knwebhook.MutatingConfiguration()},
			ValidatingWebhooks: []*admissionregistrationv1.ValidatingWebhookConfiguration{knwebhook.ValidatingConfiguration()},
		}
	}
	cfg, err := env.Start()
	if err != nil {
		return nil, fmt.Errorf("controlplane: starting envtest: %w", err)
	}
	// The in-process clients (manager, cluster emulation, scenario driver)
	// are the apiserver's only users: no client-side rate limit. envtest's
	// 1000 QPS would otherwise queue a burst of writes on the client.
	cfg.QPS, cfg.Burst = -1, 0
	return &ControlPlane{env: env, Config: cfg}, nil
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

// Stop shuts the apiserver and etcd down and removes their data.
func (cp *ControlPlane) Stop() error {
	if err := cp.env.Stop(); err != nil {
		return fmt.Errorf("controlplane: stopping envtest: %w", err)
	}
	return nil
}
