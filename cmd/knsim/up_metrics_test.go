package main

import (
	"context"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	clocktesting "k8s.io/utils/clock/testing"
	crmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"

	"github.com/knsim/knsim/system/autoscaler/multiscaler"
	"github.com/knsim/knsim/system/shell"
)

func TestMetricsAddr(t *testing.T) {
	for _, tc := range []struct {
		name, addr, wantErr string
	}{
		{name: "default", addr: defaultMetricsAddr},
		{name: "any free port", addr: "127.0.0.1:0"},
		{name: "localhost", addr: "localhost:9999"},
		{name: "IPv6 loopback", addr: "[::1]:9999"},
		{name: "off", addr: ""},
		{name: "no port", addr: "127.0.0.1", wantErr: "is not host:port"},
		{name: "every interface", addr: ":9090", wantErr: "must be on a loopback address"},
		{name: "another host", addr: "10.0.0.1:9090", wantErr: "must be on a loopback address"},
		{name: "bad port", addr: "127.0.0.1:nope", wantErr: "bad port"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := metricsOptions{addr: tc.addr}.validate()
			got := ""
			if err != nil {
				got = err.Error()
			}
			if tc.wantErr == "" && err != nil || tc.wantErr != "" && !strings.Contains(got, tc.wantErr) {
				t.Errorf("validate(%q) = %v, want %q", tc.addr, err, tc.wantErr)
			}
		})
	}
}

// TestMetricsEndpoint: a busy default port falls back to a free one, a
// chosen busy port fails, and the endpoint serves Prometheus text with
// knsim's and controller-runtime's families; the hooks reach the shells.
func TestMetricsEndpoint(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	busy := ln.Addr().String()
	ms := multiscaler.New(clocktesting.NewFakeClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)), nil)
	// A family in controller-runtime's registry, which the manager's
	// controllers fill in `knsim up`.
	cr := prometheus.NewCounter(prometheus.CounterOpts{Name: "knsim_test_controller_runtime_total", Help: "served from controller-runtime's registry"})
	crmetrics.Registry.MustRegister(cr)
	defer crmetrics.Registry.Unregister(cr)
	cr.Add(3)
	for _, tc := range []struct {
		name    string
		o       metricsOptions
		wantErr bool
	}{
		{name: "busy default falls back", o: metricsOptions{addr: busy}},
		{name: "busy chosen port fails", o: metricsOptions{addr: busy, addrSet: true}, wantErr: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := tc.o.start(context.Background(), ms, nil)
			if tc.wantErr {
				if err == nil {
					_ = m.close()
					t.Fatal("start on a busy chosen port succeeded")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer m.close()
			if m.addr == busy {
				t.Fatalf("serving on the busy address %s", busy)
			}
			var cfg shell.Config
			cfg.Metrics = ms
			m.hook(&cfg)
			if cfg.Metrics == nil || cfg.Serving.OnRequest == nil || cfg.Serving.OnSecond == nil {
				t.Error("hook left the shells unhooked")
			}
			resp, err := http.Get("http://" + m.addr + "/metrics")
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			p := expfmt.NewTextParser(model.UTF8Validation)
			fams, err := p.TextToMetricFamilies(resp.Body)
			if err != nil {
				t.Fatal(err)
			}
			got := []any{resp.StatusCode, 0.0}
			if f := fams["knsim_test_controller_runtime_total"]; f != nil {
				got[1] = f.Metric[0].Counter.GetValue()
			}
			if diff := cmp.Diff([]any{http.StatusOK, 3.0}, got); diff != "" {
				t.Errorf("status and controller-runtime's counter (-want +got):\n%s", diff)
			}
			if !strings.Contains(m.bannerLine(), m.addr) {
				t.Errorf("banner %q does not name %s", m.bannerLine(), m.addr)
			}
		})
	}
}
