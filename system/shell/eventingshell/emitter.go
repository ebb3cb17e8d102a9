package eventingshell

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync/atomic"

	cloudevents "github.com/cloudevents/sdk-go/v2"

	"github.com/knsim/knsim/system/eventing/wire"
)

// Send posts ev in binary mode to sinkURI through the shell's transport
// (cluster-local hosts reach the broker, channel and gateway listeners)
// and fails unless the sink answers 2xx.
func (p *Shell) Send(ctx context.Context, sinkURI string, ev cloudevents.Event) error {
	req, err := wire.NewRequest(ctx, sinkURI, &ev)
	if err != nil {
		return err
	}
	resp, err := p.hc.Do(req)
	if err != nil {
		return fmt.Errorf("sending event %s to %s: %w", ev.ID(), sinkURI, err)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("sending event %s to %s: %s", ev.ID(), sinkURI, resp.Status)
	}
	return nil
}

// Emitter is the source.Emitter of a running knsim: the source controllers
// (PingSource, ApiServerSource) hand it their events, which it sends to
// their sinks through the Shell given to Use. It exists before the shell
// does, because the controllers start first (reconciler.Options.Emitter).
type Emitter struct {
	shell atomic.Pointer[Shell]
}

// Use makes e send through p (nil: refuse events again).
func (e *Emitter) Use(p *Shell) { e.shell.Store(p) }

// errNoShell is returned while no shell is in use.
var errNoShell = errors.New("the eventing data plane is not running")

// Emit implements source.Emitter.
func (e *Emitter) Emit(ctx context.Context, sinkURI string, ev cloudevents.Event) error {
	p := e.shell.Load()
	if p == nil {
		return errNoShell
	}
	return p.Send(ctx, sinkURI, ev)
}
