package main

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/knsim/knsim/sim/gcpolicy"
)

// TestUpStores: --state-dir puts the JetStream store in DIR/jetstream;
// --jetstream-store alone keeps working; both must name the same folder.
func TestUpStores(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name              string
		o                 upOptions
		wantState, wantJS string
		wantErr           string
	}{
		{name: "neither", o: upOptions{}},
		{name: "store only", o: upOptions{jetstreamStore: "js"}, wantJS: "js"},
		{name: "state dir", o: upOptions{stateDir: dir}, wantState: dir, wantJS: filepath.Join(dir, "jetstream")},
		{name: "same store", o: upOptions{stateDir: dir, jetstreamStore: filepath.Join(dir, "jetstream")}, wantState: dir, wantJS: filepath.Join(dir, "jetstream")},
		{name: "conflict", o: upOptions{stateDir: dir, jetstreamStore: filepath.Join(dir, "other")}, wantErr: "conflicts with --state-dir"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			state, js, err := tc.o.stores()
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || state != tc.wantState || js != tc.wantJS {
				t.Fatalf("stores() = %q, %q, %v; want %q, %q", state, js, err, tc.wantState, tc.wantJS)
			}
		})
	}
}

// TestWriteKubeconfig: the kubeconfig holds the admin client key, so it is
// readable by its owner only, even when it replaces a world-readable file.
func TestWriteKubeconfig(t *testing.T) {
	tests := []struct {
		name string
		// existing is the mode of a file already at the path (0: none).
		existing os.FileMode
	}{
		{name: "new file"},
		{name: "over a world-readable file", existing: 0o644},
		{name: "over a world-writable file", existing: 0o666},
		{name: "over an owner-only file", existing: 0o600},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "knsim.kubeconfig")
			if tc.existing != 0 {
				if err := os.WriteFile(path, []byte("old"), tc.existing); err != nil {
					t.Fatal(err)
				}
				if err := os.Chmod(path, tc.existing); err != nil { // past the umask
					t.Fatal(err)
				}
			}
			if err := writeKubeconfig(path, []byte("secret")); err != nil {
				t.Fatalf("writeKubeconfig: %v", err)
			}
			fi, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if got := fi.Mode().Perm(); got != 0o600 {
				t.Errorf("mode = %#o, want 0600", got)
			}
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff("secret", string(b)); diff != "" {
				t.Errorf("content (-want +got):\n%s", diff)
			}
			left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), "*"))
			if len(left) != 1 {
				t.Errorf("files left in the folder: %v, want only the kubeconfig", left)
			}
		})
	}
}

// TestMemoryLine: the banner says that the default GC setting lets the
// resident size climb to the limit and stay there, and how to change it.
func TestMemoryLine(t *testing.T) {
	tests := []struct {
		name    string
		policy  gcpolicy.Policy
		fromEnv bool
		want    []string
	}{
		{name: "default limit", policy: gcpolicy.Policy{MemoryLimit: gcpolicy.DefaultMemoryLimit},
			want: []string{"climbs to about 1Gi and stays there", "--gc-memory-limit default", "returns memory when idle"}},
		{name: "Go's default", want: []string{"GOGC=100", "returns memory when idle"}},
		{name: "environment", policy: gcpolicy.Policy{MemoryLimit: gcpolicy.DefaultMemoryLimit}, fromEnv: true, want: []string{"from the environment"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := memoryLine(tc.policy, tc.fromEnv)
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("memoryLine = %q, want it to say %q", got, w)
				}
			}
		})
	}
}

func TestUpLimits(t *testing.T) {
	ok := upOptions{maxRequestBody: "10Mi", maxEventBody: "4Mi", activatorMaxWaiting: 10, brokerMaxPending: 10}
	for _, tc := range []struct {
		name             string
		change           func(*upOptions)
		wantReq, wantEvt int64
		wantErr          string
	}{
		{"defaults", func(*upOptions) {}, 10 << 20, 4 << 20, ""},
		{"plain bytes", func(o *upOptions) { o.maxRequestBody, o.maxEventBody = "1000", "64Ki" }, 1000, 64 << 10, ""},
		{"not a size", func(o *upOptions) { o.maxRequestBody = "ten" }, 0, 0, `--max-request-body: "ten" is not a size such as 10Mi`},
		{"zero event body", func(o *upOptions) { o.maxEventBody = "0" }, 0, 0, `--max-event-body must be a positive number of bytes, got "0"`},
		{"no activator room", func(o *upOptions) { o.activatorMaxWaiting = 0 }, 0, 0, "--activator-max-waiting must be at least 1, got 0"},
		{"no broker room", func(o *upOptions) { o.brokerMaxPending = -1 }, 0, 0, "--broker-max-pending must be at least 1, got -1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := ok
			tc.change(&o)
			req, evt, err := o.limits()
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("limits() error = %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || req != tc.wantReq || evt != tc.wantEvt {
				t.Errorf("limits() = %d, %d, %v; want %d, %d", req, evt, err, tc.wantReq, tc.wantEvt)
			}
		})
	}
}

// TestCheckDebugAddr: pprof is served on loopback only, and a bad address
// is named in the error.
func TestCheckDebugAddr(t *testing.T) {
	for _, tc := range []struct {
		name, addr, wantErr string
	}{
		{name: "off", addr: ""},
		{name: "IPv4 loopback", addr: "127.0.0.1:6060"},
		{name: "any free port", addr: "127.0.0.1:0"},
		{name: "IPv6 loopback", addr: "[::1]:6060"},
		{name: "localhost", addr: "localhost:6060"},
		{name: "all interfaces", addr: ":6060", wantErr: `--debug-addr ":6060": the host must be a loopback address`},
		{name: "public address", addr: "192.0.2.1:6060", wantErr: "the host must be a loopback address"},
		{name: "no port", addr: "127.0.0.1", wantErr: `--debug-addr "127.0.0.1": want host:port`},
		{name: "port out of range", addr: "127.0.0.1:70000", wantErr: "port must be in 0..65535"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := checkDebugAddr(tc.addr)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if tc.wantErr == "" && err != nil || tc.wantErr != "" && !strings.Contains(got, tc.wantErr) {
				t.Errorf("checkDebugAddr(%q) = %q, want %q", tc.addr, got, tc.wantErr)
			}
		})
	}
}

// TestServeDebug: the debug listener answers pprof's goroutine profile,
// whose first line gives the count a soak test reads, and stops.
func TestServeDebug(t *testing.T) {
	stop, addr, err := serveDebug("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get("http://" + addr + "/debug/pprof/goroutine?debug=1")
	if err != nil {
		stop()
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	http.DefaultClient.CloseIdleConnections()
	stop()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(string(body), "goroutine profile: total ") {
		t.Errorf("status %d, body starts %q; want 200 and the goroutine total", resp.StatusCode, firstLine(string(body)))
	}
	if _, err := http.Get("http://" + addr + "/debug/pprof/"); err == nil {
		t.Error("the debug listener still answers after stop")
	}
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
