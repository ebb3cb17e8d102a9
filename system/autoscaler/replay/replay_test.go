package replay

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/knsim/knsim/system/apis/autoscaling"
	"github.com/knsim/knsim/system/autoscaler/config"
)

func TestReadTrace(t *testing.T) {
	in := "# a comment\nsecond, concurrency,rps,ready_pods\n10,1.5,3,1\n\n11,2,4,2\n"
	got, err := ReadTrace("t.csv", strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := &Trace{Name: "t.csv", HasRPS: true, HasReadyPods: true, Samples: []Sample{
		{Second: 10, Concurrency: 1.5, RPS: 3, ReadyPods: 1, Line: 3},
		{Second: 11, Concurrency: 2, RPS: 4, ReadyPods: 2, Line: 5},
	}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	for s, want := range map[int64]int{5: 1, 10: 1, 11: 2, 99: 2} {
		if n, ok := got.ReadyAt(s); !ok || n != want {
			t.Errorf("ReadyAt(%d) = %d %v, want %d", s, n, ok, want)
		}
	}
	minimal, err := ReadTrace("m.csv", strings.NewReader("concurrency,second\n3,0\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := minimal.ReadyAt(0); ok || minimal.HasRPS || minimal.Samples[0] != (Sample{Concurrency: 3, ReadyPods: -1, Line: 2}) {
		t.Errorf("minimal trace: %+v", minimal)
	}
}

func TestReadTraceErrors(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", `t.csv: empty trace: want a header line "second,concurrency[,rps][,ready_pods]"`},
		{"header only", "second,concurrency\n", "t.csv: no rows after the header"},
		{"unknown column", "second,concurrency,latency\n", `t.csv:1: unknown column "latency": want second, concurrency, rps, ready_pods`},
		{"duplicate column", "second,concurrency,second\n", `t.csv:1: column "second" appears twice`},
		{"missing column", "# x\nsecond,rps\n", `t.csv:2: missing column "concurrency"`},
		{"field count", "second,concurrency\n0,1\n1,2,3\n", "t.csv:3: wrong number of fields"},
		{"second not integer", "second,concurrency\n0.5,1\n", `t.csv:2: column second: "0.5" is not a whole number of seconds`},
		{"second repeats", "second,concurrency\n0,1\n1,1\n1,1\n", "t.csv:4: column second: 1 does not increase (previous row: 1)"},
		{"second goes back", "second,concurrency\n5,1\n4,1\n", "t.csv:3: column second: 4 does not increase (previous row: 5)"},
		{"concurrency text", "second,concurrency\n0,lots\n", `t.csv:2: column concurrency: "lots" is not a number`},
		{"concurrency NaN", "second,concurrency\n0,NaN\n", `t.csv:2: column concurrency: "NaN" is not a number`},
		{"concurrency negative", "second,concurrency\n0,-1\n", "t.csv:2: column concurrency: -1 is negative"},
		{"rps", "second,concurrency,rps\n0,1,x\n", `t.csv:2: column rps: "x" is not a number`},
		{"ready pods", "second,concurrency,ready_pods\n0,1,1.5\n", `t.csv:2: column ready_pods: "1.5" is not a whole number >= 0`},
		{"quote", "second,concurrency\n0,\"1\n", `t.csv:2: extraneous or missing " in quoted-field`},
		{"seconds jump to a Unix time", "second,concurrency\n0,1\n1700000000,1\n",
			"t.csv:3: column second: 1700000000 is 1700000000 s after the first row (0); a replay spans at most 2678400 s (31 days)"},
		{"Unix times a day apart", "second,concurrency\n1700000000,1\n1700086400,1\n1702678401,1\n",
			"t.csv:4: column second: 1702678401 is 2678401 s after the first row (1700000000); a replay spans at most 2678400 s (31 days)"},
		{"second beyond 1e15", "second,concurrency\n-9223372036854775807,1\n",
			"t.csv:2: column second: -9223372036854775807 is outside -1000000000000000..1000000000000000"},
		{"concurrency 1e308", "second,concurrency\n0,1e308\n", "t.csv:2: column concurrency: 1e308 is over the limit of 1e+07"},
		{"concurrency Inf", "second,concurrency\n0,+Inf\n", `t.csv:2: column concurrency: "+Inf" is not a number`},
		{"rps 1e308", "second,concurrency,rps\n0,1,1e308\n", "t.csv:2: column rps: 1e308 is over the limit of 1e+07"},
		{"ready pods over the limit", "second,concurrency,ready_pods\n0,1,1000001\n", "t.csv:2: column ready_pods: 1000001 is over the limit of 1000000 ready pods"},
		{"ready pods beyond int32", "second,concurrency,ready_pods\n0,1,99999999999\n", "t.csv:2: column ready_pods: 99999999999 is over the limit of 1000000 ready pods"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadTrace("t.csv", strings.NewReader(tc.in))
			if err == nil {
				t.Fatal("no error")
			}
			if diff := cmp.Diff(tc.want, err.Error()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func resolve(t *testing.T, ann map[string]string) config.DeciderSpec {
	t.Helper()
	s, err := config.Default().Resolve(config.Revision{Annotations: ann})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func trace(t *testing.T, csv string) *Trace {
	t.Helper()
	tr, err := ReadTrace("t.csv", strings.NewReader(csv))
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func TestRun(t *testing.T) {
	a := autoscaling.GroupName + "/"
	tests := []struct {
		name  string
		csv   string
		ann   map[string]string
		opts  Options
		want  string
		extra bool
	}{{
		name:  "ready pods follow the decisions",
		csv:   "second,concurrency\n100,140\n101,140\n102,280\n103,280\n104,280\n",
		extra: true,
		want: `time,desired,stable,panic,panic_mode,ebc,ready_pods,valid,event
2,3,186.666667,186.666667,1,-298,1,1,tick
4,4,224,224,1,-135,3,1,tick
`,
	}, {
		name:  "ready pods from the trace",
		csv:   "second,concurrency,ready_pods\n0,70,5\n1,70,5\n2,70,4\n3,70,4\n4,70,4\n",
		extra: true,
		want: `time,desired,stable,panic,panic_mode,ebc,ready_pods,valid,event
2,5,70,70,1,119,4,1,tick
4,5,70,70,1,119,4,1,tick
`,
	}, {
		name:  "gaps and until: invalid once a stable window has no data",
		csv:   "second,concurrency\n0,70\n1,70\n",
		ann:   map[string]string{a + "window": "6s"},
		opts:  Options{Until: 10},
		extra: true,
		want: `time,desired,stable,panic,panic_mode,ebc,ready_pods,valid,event
2,1,70,0,0,-111,1,1,tick
4,1,70,0,0,-111,1,1,tick
6,1,70,0,0,-111,1,1,tick
8,1,0,0,0,-111,1,0,tick
10,1,0,0,0,-111,1,0,tick
`,
	}, {
		name:  "no data at the first tick",
		csv:   "second,concurrency\n0,0\n20,0\n",
		ann:   map[string]string{a + "window": "6s"},
		extra: true,
		want: `time,desired,stable,panic,panic_mode,ebc,ready_pods,valid,event
2,0,0,0,0,-111,1,1,tick
4,0,0,0,0,-211,0,1,tick
6,0,0,0,0,-211,0,1,tick
8,0,0,0,0,-211,0,0,tick
10,0,0,0,0,-211,0,0,tick
12,0,0,0,0,-211,0,0,tick
14,0,0,0,0,-211,0,0,tick
16,0,0,0,0,-211,0,0,tick
18,0,0,0,0,-211,0,0,tick
20,0,0,0,0,-211,0,1,tick
`,
	}, {
		name: "poke at zero",
		csv:  "second,concurrency\n0,0\n1,0\n2,0\n3,5\n4,5\n",
		ann:  map[string]string{a + "window": "6s"},
		opts: Options{Poke: true},
		want: `time,desired,stable,panic,panic_mode,ebc,ready_pods,valid,event
2,0,0,0,0,-111,1,1,tick
3,1,1.25,5,0,-216,0,1,poke
4,1,2,5,0,-116,1,1,tick
`,
		extra: true,
	}, {
		name: "rps",
		csv:  "second,concurrency,rps\n0,1,280\n1,1,280\n2,1,280\n",
		ann:  map[string]string{a + "metric": "rps"},
		want: `time,desired,stable,panic,panic_mode,ebc
2,2,280,280,1,-291
`,
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := tc.opts
			o.Spec = resolve(t, tc.ann)
			rows, err := Run(trace(t, tc.csv), o)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := WriteCSV(&buf, rows, Format{Precision: -1, Extra: tc.extra}); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, buf.String()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestRunErrors(t *testing.T) {
	spec := resolve(t, map[string]string{autoscaling.MetricAnnotationKey: "rps"})
	_, err := Run(trace(t, "second,concurrency\n0,1\n"), Options{Spec: spec})
	if want := `t.csv: metric is rps but the trace has no "rps" column`; err == nil || err.Error() != want {
		t.Errorf("error %v, want %q", err, want)
	}
	spec = resolve(t, nil)
	spec.TickInterval = 1500 * time.Millisecond
	if _, err := Run(trace(t, "second,concurrency\n0,1\n"), Options{Spec: spec}); err == nil {
		t.Error("fractional tick accepted")
	}
}

// TestRunLimits checks --until's bound (a replay to 9223372036854775807 s
// grew without limit) and that the largest values the trace accepts give
// finite averages and an excess burst capacity that does not wrap.
func TestRunLimits(t *testing.T) {
	spec := resolve(t, nil)
	tests := []struct {
		name  string
		csv   string
		until int64
		want  string // the error, or the last row as CSV
	}{
		{"until the largest int64", "second,concurrency\n0,1\n", 9223372036854775807,
			"until 9223372036854775807 s is outside 0..2678400 s (31 days from the first row)"},
		{"until negative", "second,concurrency\n0,1\n", -1, "until -1 s is outside 0..2678400 s (31 days from the first row)"},
		{"until a day", "second,concurrency\n1700000000,1\n", 86400, "86400,0,0,0,0,-111"},
		{"until just over 31 days", "second,concurrency\n0,1\n", MaxSpan + 1, "until 2678401 s is outside 0..2678400 s (31 days from the first row)"},
		{"largest concurrency", "second,concurrency\n0,1e7\n1,1e7\n2,1e7\n", 0, "2,1000,10000000,10000000,1,-10000111"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, err := Run(trace(t, tt.csv), Options{Spec: spec, Until: tt.until})
			got := ""
			if err != nil {
				got = err.Error()
			} else {
				var buf bytes.Buffer
				if err := WriteCSV(&buf, rows[len(rows)-1:], Format{Precision: -1}); err != nil {
					t.Fatal(err)
				}
				got = strings.TrimSpace(strings.TrimPrefix(buf.String(), Header+"\n"))
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestWriteCSVPrecision(t *testing.T) {
	var buf bytes.Buffer
	rows := []Row{{Time: 2, Desired: 1, Stable: 1.0 / 3, Panic: -0.0, EBC: -1}}
	if err := WriteCSV(&buf, rows, Format{Precision: 3}); err != nil {
		t.Fatal(err)
	}
	if want := Header + "\n2,1,0.333,0.000,0,-1\n"; buf.String() != want {
		t.Errorf("got %q, want %q", buf.String(), want)
	}
}
