package eventingshell

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	cloudevents "github.com/cloudevents/sdk-go/v2"
	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	"github.com/knsim/knsim/system/eventing/jetstream"
	"github.com/knsim/knsim/system/stack"
)

func TestEmitter(t *testing.T) {
	var got []string
	status := http.StatusAccepted
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.Header.Get("Ce-Id")+" "+r.Header.Get("Ce-Type"))
		w.WriteHeader(status)
	}))
	defer srv.Close()
	ev := cloudevents.NewEvent()
	ev.SetID("1")
	ev.SetType("dev.knative.sources.ping")
	ev.SetSource("/ping")

	e := &Emitter{}
	ctx := context.Background()
	if err := e.Emit(ctx, srv.URL, ev); !errors.Is(err, errNoShell) {
		t.Fatalf("Emit before Use = %v, want errNoShell", err)
	}
	p, err := Start(ctx, Config{Client: fake.NewClientBuilder().WithScheme(stack.Scheme()).Build(),
		JetStream: jetstream.Config{StoreDir: t.TempDir(), InProcess: true}})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := p.Close(); err != nil {
			t.Error(err)
		}
	}()
	e.Use(p)
	if err := e.Emit(ctx, srv.URL, ev); err != nil {
		t.Fatalf("Emit: %v", err)
	}
	status = http.StatusInternalServerError
	if err := e.Emit(ctx, srv.URL, ev); err == nil {
		t.Error("Emit to a sink answering 500 succeeded")
	}
	if diff := cmp.Diff([]string{"1 dev.knative.sources.ping", "1 dev.knative.sources.ping"}, got); diff != "" {
		t.Errorf("sink saw (-want +got):\n%s", diff)
	}
}

func TestRouter(t *testing.T) {
	r := router{broker: "127.0.0.1:1", channel: "127.0.0.1:2", gateway: "127.0.0.1:3"}
	for _, tc := range []struct{ in, want string }{
		{"broker-ingress.knative-eventing.svc.cluster.local:80", "127.0.0.1:1"},
		{"orders-kn-channel.default.svc.cluster.local:80", "127.0.0.1:2"},
		{"event-display.default.svc.cluster.local:80", "127.0.0.1:3"},
		{"event-display.default.example.com:80", "127.0.0.1:3"},
		{"127.0.0.1:9999", "127.0.0.1:9999"},
		{"sink.other.org:443", "sink.other.org:443"},
	} {
		if got := r.addrFor(tc.in); got != tc.want {
			t.Errorf("addrFor(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
