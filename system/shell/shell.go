package shell

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"syscall"

	"k8s.io/utils/clock"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/knsim/knsim/system/shell/eventingshell"
	"github.com/knsim/knsim/system/shell/servingshell"
	"github.com/knsim/knsim/system/telemetry"
)

// Config configures Start. Client, Metrics and Clock are handed to both
// shells, overriding what Serving and Eventing say of them.
type Config struct {
	// Client reads the control plane (required): a world's uncached client.
	Client client.Reader
	// Metrics receives the Serving shell's stats and pokes (the world's
	// Multiscaler); optional.
	Metrics telemetry.Metrics
	// Clock drives both shells (default: the wall clock).
	Clock clock.WithTickerAndDelayedExecution
	// Serving configures the Serving shell.
	Serving servingshell.Config
	// Eventing configures the Eventing shell; its GatewayAddr is the
	// Serving shell's gateway.
	Eventing eventingshell.Config
	// Emitter, when set, sends the event sources' events through the
	// Eventing shell once it runs, and refuses them again after Close.
	Emitter *eventingshell.Emitter
	// FreePortFallback makes a busy Serving.GatewayPort fall back to a free
	// port (`knsim up` without --gateway-port) instead of failing;
	// OnFallback, when set, is told the port that was busy.
	FreePortFallback bool
	OnFallback       func(busyPort int)
}

// Shells are the running real shells.
type Shells struct {
	// Serving is the Serving shell; its Addr is the gateway.
	Serving *servingshell.Shell
	// Eventing is the Eventing shell.
	Eventing *eventingshell.Shell
	emitter  *eventingshell.Emitter

	closeOnce sync.Once
	closeErr  error
}

// Start validates cfg, starts the Serving shell and then the Eventing shell
// (whose deliveries to Services go to the Serving gateway), and keeps both
// in step with the control plane until Close or ctx ends. On an error
// nothing is left running.
func Start(ctx context.Context, cfg Config) (*Shells, error) {
	if cfg.Client == nil {
		return nil, errors.New("shell: Client is required")
	}
	if cfg.Clock == nil {
		cfg.Clock = clock.RealClock{}
	}
	sv := cfg.Serving
	sv.Client, sv.Metrics, sv.Clock = cfg.Client, cfg.Metrics, cfg.Clock
	serving, err := startServing(ctx, sv, cfg.FreePortFallback, cfg.OnFallback)
	if err != nil {
		return nil, err
	}
	ev := cfg.Eventing
	ev.Client, ev.Clock, ev.GatewayAddr = cfg.Client, cfg.Clock, serving.Addr()
	eventing, err := eventingshell.Start(ctx, ev)
	if err != nil {
		return nil, errors.Join(err, serving.Close())
	}
	if cfg.Emitter != nil {
		cfg.Emitter.Use(eventing)
	}
	return &Shells{Serving: serving, Eventing: eventing, emitter: cfg.Emitter}, nil
}

// startServing starts the Serving shell on cfg.GatewayPort, or on a free
// port when that one is busy and fallback is set.
func startServing(ctx context.Context, cfg servingshell.Config, fallback bool, onFallback func(int)) (*servingshell.Shell, error) {
	for {
		sh, err := servingshell.New(cfg)
		if err != nil {
			return nil, fmt.Errorf("shell: %w", err)
		}
		err = sh.Start(ctx)
		if err == nil {
			return sh, nil
		}
		if !fallback || cfg.GatewayPort == 0 || !errors.Is(err, syscall.EADDRINUSE) {
			return nil, err
		}
		if onFallback != nil {
			onFallback(cfg.GatewayPort)
		}
		cfg.GatewayPort = 0
	}
}

// Close stops the Eventing shell first (its deliveries go through the
// gateway), then the Serving shell, and detaches the Emitter. Later calls
// return the first one's result.
func (s *Shells) Close() error {
	s.closeOnce.Do(func() {
		if s.emitter != nil {
			s.emitter.Use(nil)
		}
		s.closeErr = errors.Join(s.Eventing.Close(), s.Serving.Close())
	})
	return s.closeErr
}
