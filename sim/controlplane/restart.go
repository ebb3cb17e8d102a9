package controlplane

import (
	"errors"
	"fmt"
	"syscall"
	"time"
)

// Restarting kube-apiserver on the same etcd, as an upgrade or a crash of
// the apiserver would, while etcd and every client keep running.

// A stop of a stopped apiserver and a start of a running one are mistakes
// of the caller's bookkeeping, refused rather than ignored.
var (
	errAPIServerDown = errors.New("controlplane: kube-apiserver is already stopped")
	errAPIServerUp   = errors.New("controlplane: kube-apiserver is already running")
)

// StopAPIServer kills kube-apiserver (SIGKILL, a crash; on Linux, else a
// graceful stop), leaving etcd running. Clients and informers see their
// requests refused and their watches end until StartAPIServer.
func (cp *ControlPlane) StopAPIServer() error {
	if cp.apiDown {
		return errAPIServerDown
	}
	api := cp.env.ControlPlane.APIServer
	crashErr := crashAPIServer(api.CertDir)
	if crashErr != nil && !errors.Is(crashErr, errors.ErrUnsupported) {
		return fmt.Errorf("controlplane: %w", crashErr)
	}
	// Stop reaps the killed process (or stops it gracefully). Between the
	// kill and Stop the process may be reaped but not yet marked exited:
	// then Stop finds no process to signal, which is what was wanted.
	if err := api.Stop(); err != nil && !(crashErr == nil && errors.Is(err, syscall.ESRCH)) {
		return fmt.Errorf("controlplane: stopping kube-apiserver: %w", err)
	}
	cp.apiDown = true
	return nil
}

// StartAPIServer starts kube-apiserver again on the same etcd, address,
// serving certificates, service-account keys and client CA: the rest
// configs handed out (Config, ControllerConfig, AdminKubeconfig) keep
// working, and informers resume their watches from the resourceVersion
// they had, as against a real apiserver that restarted. It returns once
// the apiserver answers /healthz.
func (cp *ControlPlane) StartAPIServer() error {
	if !cp.apiDown {
		return errAPIServerUp
	}
	api := cp.env.ControlPlane.APIServer
	// envtest's 20 s is tight for a start on a busy machine, and a restart
	// that fails ends the run.
	api.StartTimeout = max(api.StartTimeout, restartTimeout)
	if err := api.Start(); err != nil {
		return fmt.Errorf("controlplane: starting kube-apiserver again: %w", err)
	}
	cp.apiDown = false
	return nil
}

// restartTimeout bounds how long StartAPIServer waits for /healthz.
const restartTimeout = 2 * time.Minute

// APIServerDown says whether StopAPIServer stopped kube-apiserver and
// StartAPIServer has not started it again.
func (cp *ControlPlane) APIServerDown() bool { return cp.apiDown }
