package shell

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strconv"
	"syscall"
	"testing"

	cloudevents "github.com/cloudevents/sdk-go/v2"
	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	"github.com/knsim/knsim/system/eventing/jetstream"
	"github.com/knsim/knsim/system/shell/eventingshell"
	"github.com/knsim/knsim/system/shell/servingshell"
	"github.com/knsim/knsim/system/stack"
)

// config is a Start config over an empty control plane whose gateway asks
// for port.
func config(t *testing.T, port int) Config {
	t.Helper()
	return Config{
		Client:   fake.NewClientBuilder().WithScheme(stack.Scheme()).Build(),
		Serving:  servingshell.Config{GatewayPort: port},
		Eventing: eventingshell.Config{JetStream: jetstream.Config{StoreDir: t.TempDir(), InProcess: true}},
	}
}

func TestStartServesBothShellsAndEmits(t *testing.T) {
	ctx := context.Background()
	cfg := config(t, 0)
	cfg.Emitter = &eventingshell.Emitter{}
	s, err := Start(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	// The gateway answers 404 for a host it does not know; the broker
	// ingress answers 400 to a POST that is no CloudEvent.
	var got []int
	for _, u := range []string{"http://" + s.Serving.Addr() + "/", s.Eventing.BrokerURL() + "/default/missing"} {
		resp, err := http.Post(u, "text/plain", nil)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		got = append(got, resp.StatusCode)
	}
	if diff := cmp.Diff([]int{http.StatusNotFound, http.StatusBadRequest}, got); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}

	// Events go through the Eventing shell while it runs, and nowhere once
	// the shells are closed.
	ev := cloudevents.NewEvent()
	ev.SetID("1")
	ev.SetType("dev.knative.sources.ping")
	ev.SetSource("/ping")
	sink := s.Eventing.BrokerURL() + "/default/missing"
	if err := cfg.Emitter.Emit(ctx, sink, ev); err == nil {
		t.Error("Emit to a missing broker succeeded")
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close = %v", err)
	}
	if err := cfg.Emitter.Emit(ctx, sink, ev); err == nil {
		t.Error("Emit after Close succeeded")
	}
}

func TestStartBusyGatewayPort(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	busy := ln.Addr().(*net.TCPAddr).Port
	for _, tc := range []struct {
		name     string
		fallback bool
		wantErr  bool
	}{
		{name: "fails without fallback", wantErr: true},
		{name: "falls back to a free port", fallback: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := config(t, busy)
			cfg.FreePortFallback = tc.fallback
			var told []int
			cfg.OnFallback = func(p int) { told = append(told, p) }
			s, err := Start(context.Background(), cfg)
			if tc.wantErr {
				if !errors.Is(err, syscall.EADDRINUSE) {
					t.Fatalf("Start = %v, want EADDRINUSE", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if _, port, _ := net.SplitHostPort(s.Serving.Addr()); port == strconv.Itoa(busy) {
				t.Errorf("gateway on the busy port %s", port)
			}
			if diff := cmp.Diff([]int{busy}, told); diff != "" {
				t.Errorf("OnFallback (-want +got):\n%s", diff)
			}
		})
	}
}

func TestStartNeedsClient(t *testing.T) {
	if _, err := Start(context.Background(), Config{}); err == nil {
		t.Error("Start without a Client succeeded")
	}
}
