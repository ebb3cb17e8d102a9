package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"
	"go.uber.org/zap/zapcore"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"

	"github.com/knsim/knsim/sim/cluster"
	"github.com/knsim/knsim/sim/world"
)

type upOptions struct {
	kubeconfig string
	nodes      int
	podStartup time.Duration
	verbose    bool
}

func newUpCommand() *cobra.Command {
	o := upOptions{}
	cmd := &cobra.Command{
		Use:   "up",
		Short: "Start the Serving control plane on a real kube-apiserver",
		Long: `up starts an envtest kube-apiserver and etcd, installs knsim's CRDs and
admission webhooks, runs the Serving controllers and the cluster emulation in
this process, and writes an admin kubeconfig. Stop it with Ctrl-C.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return o.run(cmd.Context()) },
	}
	f := cmd.Flags()
	f.StringVar(&o.kubeconfig, "kubeconfig", "knsim.kubeconfig", "where to write the kubeconfig")
	f.IntVar(&o.nodes, "nodes", 3, "number of emulated worker nodes")
	f.DurationVar(&o.podStartup, "pod-startup", time.Second, "time from scheduling to a pod's readiness")
	f.BoolVarP(&o.verbose, "verbose", "v", false, "log every reconcile")
	return cmd
}

func (o upOptions) run(ctx context.Context) error {
	if o.nodes < 1 {
		return fmt.Errorf("--nodes must be at least 1, got %d", o.nodes)
	}
	if o.podStartup < 0 {
		return fmt.Errorf("--pod-startup must not be negative, got %s", o.podStartup)
	}
	ctrl.SetLogger(zap.New(zap.UseDevMode(o.verbose), zap.Level(logLevel(o.verbose))))
	start := time.Now()
	fmt.Fprintln(os.Stderr, "knsim: starting kube-apiserver, etcd, controllers and webhooks...")
	w, err := world.Start(ctx, world.Config{Cluster: cluster.Config{Nodes: o.nodes, PodStartup: o.podStartup}})
	if err != nil {
		return err
	}
	kc, err := w.ControlPlane.AdminKubeconfig()
	if err == nil {
		err = os.WriteFile(o.kubeconfig, kc, 0o600)
	}
	if err != nil {
		return errors.Join(fmt.Errorf("writing kubeconfig: %w", err), w.Stop())
	}
	abs, _ := filepath.Abs(o.kubeconfig)
	fmt.Printf(`knsim is up (%.1fs): Knative Serving on kube-apiserver %s

  export KUBECONFIG=%s
  kubectl apply -f helloworld-go.yaml
  kubectl get ksvc,rev,rt,kpa,sks
  kubectl get pods -o wide

Press Ctrl-C to stop.
`, time.Since(start).Seconds(), w.ControlPlane.Config.Host, abs)
	<-ctx.Done()
	fmt.Fprintln(os.Stderr, "\nknsim: stopping...")
	if err := w.Stop(); err != nil {
		return err
	}
	fmt.Fprintln(os.Stderr, "knsim: stopped")
	return nil
}

// logLevel keeps the terminal quiet unless asked: errors only, or every
// reconcile (controller-runtime's V(1)) with --verbose.
func logLevel(verbose bool) zapcore.Level {
	if verbose {
		return zapcore.DebugLevel
	}
	return zapcore.ErrorLevel
}
