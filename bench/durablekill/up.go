package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"time"

	"k8s.io/utils/clock"
)

// startTimeoutEnv is envtest's bound on each control-plane process's start.
const startTimeoutEnv = "KUBEBUILDER_CONTROLPLANE_START_TIMEOUT"

// upProcess is one `knsim up --state-dir` child process.
type upProcess struct {
	cmd *exec.Cmd
	// channelURL is the channel ingress the banner names (a new port at
	// every start).
	channelURL string
	kubeconfig string
	exited     chan error
}

// channelLine finds the channel ingress in knsim up's banner.
var channelLine = regexp.MustCompile(`channels on (http://[0-9.]+:[0-9]+)`)

// startUp starts knsim up on stateDir and returns once its banner names
// the channel ingress. Its stderr goes to stateDir/../knsim-up-<n>.log.
func startUp(ctx context.Context, knsim, stateDir string, n int, logDir string) (*upProcess, error) {
	kc := filepath.Join(logDir, "knsim.kubeconfig")
	logFile, err := os.Create(filepath.Join(logDir, fmt.Sprintf("knsim-up-%d.log", n)))
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(knsim, "up", "--state-dir", stateDir, "--kubeconfig", kc, "--gateway-port", "0", "--gc-memory-limit", "default")
	cmd.Stderr = logFile
	cmd.Env = os.Environ()
	if os.Getenv(startTimeoutEnv) == "" {
		// envtest gives kube-apiserver 20 s to start, too few on a busy machine.
		cmd.Env = append(cmd.Env, startTimeoutEnv+"=2m")
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, errors.Join(err, logFile.Close())
	}
	if err := cmd.Start(); err != nil {
		return nil, errors.Join(fmt.Errorf("starting %s up: %w", knsim, err), logFile.Close())
	}
	p := &upProcess{cmd: cmd, kubeconfig: kc, exited: make(chan error, 1)}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			fmt.Fprintln(logFile, sc.Text())
			if m := channelLine.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case found <- m[1]:
				default:
				}
			}
		}
		_, _ = io.Copy(io.Discard, out)
	}()
	go func() {
		err := cmd.Wait()
		_ = logFile.Close()
		p.exited <- err
	}()
	select {
	case p.channelURL = <-found:
		return p, nil
	case err := <-p.exited:
		p.exited <- err
		return nil, fmt.Errorf("knsim up exited before it was up (%v); see %s", err, logFile.Name())
	case <-ctx.Done():
		_ = p.kill()
		return nil, fmt.Errorf("waiting for knsim up: %w", ctx.Err())
	}
}

// kill ends the process with SIGKILL, without a graceful stop, and reaps it.
func (p *upProcess) kill() error {
	if err := p.cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return err
	}
	err := <-p.exited
	p.exited <- err
	return nil
}

// stop asks for a clean stop (SIGINT, as Ctrl-C) and waits up to grace,
// then kills.
func (p *upProcess) stop(clk clock.Clock, grace time.Duration) error {
	if err := p.cmd.Process.Signal(os.Interrupt); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return err
	}
	select {
	case err := <-p.exited:
		p.exited <- err
		return nil
	case <-clk.After(grace):
		return p.kill()
	}
}
