package upsoak

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseVmRSS(t *testing.T) {
	for _, tc := range []struct {
		name, status string
		want         int64
		wantErr      string
	}{
		{name: "status file", status: "Name:\tknsim\nVmPeak:\t 2000 kB\nVmRSS:\t  123456 kB\nThreads:\t12\n", want: 123456 << 10},
		{name: "no VmRSS (a zombie)", status: "Name:\tknsim\nState:\tZ (zombie)\n", wantErr: "no VmRSS line"},
		{name: "other unit", status: "VmRSS:\t12 MB\n", wantErr: "want a number of kB"},
		{name: "not a number", status: "VmRSS:\tx kB\n", wantErr: "want a number of kB"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseVmRSS([]byte(tc.status))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Errorf("ParseVmRSS = %d, %v; want %d", got, err, tc.want)
			}
		})
	}
}

func TestParseGoroutineTotal(t *testing.T) {
	for _, tc := range []struct {
		name, profile string
		want          int
		wantErr       string
	}{
		{name: "profile", profile: "goroutine profile: total 1234\n5 @ 0x1 0x2\n", want: 1234},
		{name: "html page", profile: "<html>\n", wantErr: "want \"goroutine profile: total N\""},
		{name: "bad total", profile: "goroutine profile: total many\n", wantErr: "bad total"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseGoroutineTotal([]byte(tc.profile))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Errorf("ParseGoroutineTotal = %d, %v; want %d", got, err, tc.want)
			}
		})
	}
}

// soak builds samples: g and rss (MiB) per phase, and the final counts.
func soak(before, load, after [][2]int, reqs, reqFailed, evs, evFailed int64) []Sample {
	var out []Sample
	at := time.Duration(0)
	add := func(phase string, pts [][2]int) {
		for _, p := range pts {
			out = append(out, Sample{Phase: phase, At: at, Goroutines: p[0], RSS: int64(p[1]) << 20, Pods: 1,
				Requests: reqs, RequestsFailed: reqFailed, Events: evs, EventsFailed: evFailed})
			at += 10 * time.Second
		}
	}
	add(PhaseBefore, before)
	add(PhaseLoad, load)
	add(PhaseAfter, after)
	return out
}

func TestJudge(t *testing.T) {
	steady := [][2]int{{900, 100}, {950, 140}, {940, 150}, {960, 150}, {955, 152}, {950, 151}}
	for _, tc := range []struct {
		name    string
		samples []Sample
		want    Verdict
	}{
		{
			name:    "back to the level before",
			samples: soak([][2]int{{500, 60}}, steady, [][2]int{{700, 150}, {515, 150}}, 1000, 0, 500, 0),
			want:    Verdict{GoroutinesBefore: 500, GoroutinesPeak: 960, GoroutinesAfter: 515, RSSBefore: 60 << 20, RSSMiddle: 150 << 20, RSSLate: 152 << 20, RSSAfter: 150 << 20},
		},
		{
			name:    "goroutines left behind",
			samples: soak([][2]int{{500, 60}}, steady, [][2]int{{700, 150}}, 1000, 0, 500, 0),
			want: Verdict{GoroutinesBefore: 500, GoroutinesPeak: 960, GoroutinesAfter: 700, RSSBefore: 60 << 20, RSSMiddle: 150 << 20, RSSLate: 152 << 20, RSSAfter: 150 << 20,
				Failures: []string{"goroutines after the load: 700, more than 500 before it + 50"}},
		},
		{
			name:    "resident size growing",
			samples: soak([][2]int{{100, 60}}, [][2]int{{200, 100}, {200, 140}, {200, 180}, {200, 220}, {200, 260}, {200, 300}}, [][2]int{{110, 300}}, 1000, 0, 500, 0),
			want: Verdict{GoroutinesBefore: 100, GoroutinesPeak: 200, GoroutinesAfter: 110, RSSBefore: 60 << 20, RSSMiddle: 220 << 20, RSSLate: 300 << 20, RSSAfter: 300 << 20,
				Failures: []string{"resident size still growing under steady load: 300.0 MiB in the last third, over 1.25 × 220.0 MiB in the middle third"}},
		},
		{
			name:    "failed requests and no events",
			samples: soak([][2]int{{500, 60}}, steady, [][2]int{{510, 150}}, 1000, 11, 0, 0),
			want: Verdict{GoroutinesBefore: 500, GoroutinesPeak: 960, GoroutinesAfter: 510, RSSBefore: 60 << 20, RSSMiddle: 150 << 20, RSSLate: 152 << 20, RSSAfter: 150 << 20,
				Failures: []string{"requests: 11 of 1000 failed", "events: 0 of 0 failed"}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Judge(tc.samples, Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Judge (-want +got):\n%s", diff)
			}
		})
	}
	if _, err := Judge(soak(nil, steady, [][2]int{{1, 1}}, 1, 0, 1, 0), Limits{}); err == nil {
		t.Error("a soak without samples before the load must be refused")
	}
}

func TestWriteTable(t *testing.T) {
	var b bytes.Buffer
	samples := soak([][2]int{{500, 60}}, nil, [][2]int{{510, 150}}, 1000, 2, 500, 1)
	if err := WriteTable(&b, samples); err != nil {
		t.Fatal(err)
	}
	want := "" +
		"   phase  t (s)  RSS (MiB)  goroutines  pods  requests  failed  events  failed\n" +
		"  before      0       60.0         500     1      1000       2     500       1\n" +
		"   after     10      150.0         510     1      1000       2     500       1\n"
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("table (-want +got):\n%s", diff)
	}
}

// TestLoadSenders: the senders count a 2xx of the kind they expect as
// sent, anything else as failed, and carry the Host and CloudEvents
// headers.
func TestLoadSenders(t *testing.T) {
	var hosts, ceTypes atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet:
			hosts.Store(r.Host)
			if r.URL.Path == "/fail" {
				w.WriteHeader(http.StatusServiceUnavailable)
			}
		case http.MethodPost:
			ceTypes.Store(r.Header.Get("Ce-Type"))
			w.WriteHeader(http.StatusAccepted)
		}
	}))
	defer srv.Close()
	c := srv.Client()
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		send func(context.Context, int64) bool
		want bool
	}{
		{name: "request", send: getter(c, srv.URL+"/", serviceHost), want: true},
		{name: "request answered 503", send: getter(c, srv.URL+"/fail", serviceHost), want: false},
		{name: "event", send: eventPoster(c, srv.URL+"/default/default"), want: true},
		{name: "event to nowhere", send: eventPoster(c, "http://127.0.0.1:1/default/default"), want: false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.send(ctx, 1); got != tc.want {
				t.Errorf("send = %v, want %v", got, tc.want)
			}
		})
	}
	if hosts.Load() != serviceHost || ceTypes.Load() != "dev.knsim.soak" {
		t.Errorf("Host %v, Ce-Type %v; want %s and dev.knsim.soak", hosts.Load(), ceTypes.Load(), serviceHost)
	}
}

// TestObjects: the manifests decode to the Service, Broker and Trigger.
func TestObjects(t *testing.T) {
	objs, err := objects()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range objs {
		got = append(got, o.GetKind()+"/"+o.GetName())
	}
	if diff := cmp.Diff([]string{"Service/soak", "Broker/default", "Trigger/soak"}, got); diff != "" {
		t.Errorf("objects (-want +got):\n%s", diff)
	}
}
