package expect

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var run = Map{
	"pods.max":                           Num(14),
	"pods.ready":                         Num(3),
	"at(45s).pods.ready":                 Num(5),
	"service(helloworld-go).pods.max":    Num(3),
	"service(other).latency.p99":         Dur(2 * time.Second),
	"service(helloworld-go).latency.p99": Dur(1200 * time.Millisecond),
	"latency.p99":                        Dur(312 * time.Millisecond),
	"latency.p50":                        Dur(1500 * time.Microsecond),
	"requests.errors":                    Num(0),
	"requests.error_rate":                Num(0.0123),
	"cost.total":                         Num(0.1 + 0.2),
	"coldstarts.count":                   Num(1),
	"events.lost":                        Num(0),
	"coldstarts.max":                     Dur(90 * time.Second),
	"service(default/helloworld-go).at(1m).pods.ready": Num(2),
}

func TestEval(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want Outcome
	}{
		{"fail", "pods.max <= 12", Outcome{false, "pods.max <= 12", "pods.max = 14 (want <= 12)"}},
		{"pass", "pods.max > 12", Outcome{true, "pods.max > 12", "pods.max = 14 (want > 12)"}},
		{"duration", "latency.p99 < 250ms", Outcome{false, "latency.p99 < 250ms", "latency.p99 = 312ms (want < 250ms)"}},
		{"sub-ms duration", "latency.p50 < 2ms", Outcome{true, "latency.p50 < 2ms", "latency.p50 = 1.5ms (want < 2ms)"}},
		{"minutes", "coldstarts.max <= 1m30s", Outcome{true, "coldstarts.max <= 1m30s", "coldstarts.max = 1m30s (want <= 1m30s)"}},
		{"equal counts", "coldstarts.count == 1", Outcome{true, "coldstarts.count == 1", "coldstarts.count = 1 (want == 1)"}},
		{"float tolerance", "cost.total == 0.3", Outcome{true, "cost.total == 0.3", "cost.total = 0.3 (want == 0.3)"}},
		{"float tolerance strict", "cost.total < 0.3", Outcome{false, "cost.total < 0.3", "cost.total = 0.3 (want < 0.3)"}},
		{"at", "at(45s).pods.ready >= 5", Outcome{true, "at(45s).pods.ready >= 5", "at(45s).pods.ready = 5 (want >= 5)"}},
		{"service", "service(helloworld-go).pods.max <= 3",
			Outcome{true, "service(helloworld-go).pods.max <= 3", "service(helloworld-go).pods.max = 3 (want <= 3)"}},
		{"both scopes", "at(60s).service(default/helloworld-go).pods.ready == 2",
			Outcome{true, "at(60s).service(default/helloworld-go).pods.ready == 2",
				"service(default/helloworld-go).at(1m).pods.ready = 2 (want == 2)"}},
		{"and", "pods.max <= 12 && requests.errors == 0",
			Outcome{false, "pods.max <= 12 && requests.errors == 0", "pods.max = 14 (want <= 12); requests.errors = 0 (want == 0)"}},
		{"or", "pods.max <= 12 || requests.errors == 0",
			Outcome{true, "pods.max <= 12 || requests.errors == 0", "pods.max = 14 (want <= 12); requests.errors = 0 (want == 0)"}},
		{"not flips want", "!(pods.max <= 12)", Outcome{true, "!(pods.max <= 12)", "pods.max = 14 (want > 12)"}},
		{"double not", "!!(pods.max <= 12)", Outcome{false, "!!(pods.max <= 12)", "pods.max = 14 (want <= 12)"}},
		{"not equal", "!(events.lost == 0)", Outcome{false, "!(events.lost == 0)", "events.lost = 0 (want != 0)"}},
		{"literal first", "12 >= pods.max", Outcome{false, "12 >= pods.max", "pods.max = 14 (want <= 12)"}},
		{"percent", "requests.error_rate < 1%", Outcome{false, "requests.error_rate < 1%", "requests.error_rate = 1.23% (want < 1%)"}},
		{"metric vs metric", "service(helloworld-go).latency.p99 < service(other).latency.p99",
			Outcome{true, "service(helloworld-go).latency.p99 < service(other).latency.p99",
				"service(helloworld-go).latency.p99 = 1.2s, service(other).latency.p99 = 2s (want service(helloworld-go).latency.p99 < service(other).latency.p99)"}},
		{"no data fails", "latency.p90 < 1s", Outcome{false, "latency.p90 < 1s", "latency.p90 = no data (want < 1s)"}},
		{"no data fails negated", "!(latency.p90 < 1s)", Outcome{false, "!(latency.p90 < 1s)", "latency.p90 = no data (want >= 1s)"}},
		{"no data or pass", "latency.p90 < 1s || pods.ready == 3",
			Outcome{true, "latency.p90 < 1s || pods.ready == 3", "latency.p90 = no data (want < 1s); pods.ready = 3 (want == 3)"}},
		{"zero as duration", "latency.p99 > 0", Outcome{true, "latency.p99 > 0", "latency.p99 = 312ms (want > 0)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := MustParse(tt.src).Eval(run)
			if err != nil {
				t.Fatalf("Eval: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Eval(%q) (-want +got):\n%s", tt.src, diff)
			}
		})
	}
}

func TestEvalErrors(t *testing.T) {
	boom := errors.New("boom")
	tests := []struct {
		name    string
		src     string
		results Results
		want    string
	}{
		{"runner error", "pods.max <= 3", ResultsFunc(func(string, Scope) (Value, error) { return Value{}, boom }),
			"pods.max: boom"},
		{"wrong kind from runner", "latency.p99 < 1s", Map{"latency.p99": Num(0.3)},
			"latency.p99: the results gave a number, but the metric is a duration"},
		{"number metric given a duration", "pods.max < 1", Map{"pods.max": Dur(time.Second)},
			"pods.max: the results gave a duration, but the metric is a number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := MustParse(tt.src).Eval(tt.results)
			if err == nil || err.Error() != tt.want {
				t.Errorf("Eval error = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestEvalSeesScope(t *testing.T) {
	var got []string
	r := ResultsFunc(func(name string, s Scope) (Value, error) {
		got = append(got, Ref{Metric: name, Scope: s}.String())
		return Num(1), nil
	})
	if _, err := MustParse("service(a).at(2m).pods.ready == 1 && status.503 == 1").Eval(r); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"service(a).at(2m).pods.ready", "status.503"}, got); diff != "" {
		t.Errorf("lookups (-want +got):\n%s", diff)
	}
}

func TestValueString(t *testing.T) {
	tests := []struct {
		v    Value
		want string
	}{
		{Num(14), "14"},
		{Num(1.5), "1.5"},
		{Num(1.234567), "1.2346"},
		{Num(0.0001234), "0.0001234"},
		{Num(-3), "-3"},
		{Dur(312 * time.Millisecond), "312ms"},
		{Dur(1234567 * time.Microsecond), "1.235s"},
		{Dur(24 * time.Hour), "24h"},
		{Dur(0), "0s"},
		{Value{Number: 0.0000015, Duration: true}, "1.5µs"},
	}
	for _, tt := range tests {
		if got := tt.v.String(); got != tt.want {
			t.Errorf("%#v.String() = %q, want %q", tt.v, got, tt.want)
		}
	}
}

func TestMapMissingIsNoData(t *testing.T) {
	_, err := Map{}.Metric("pods.max", Scope{})
	if !errors.Is(err, ErrNoData) || !strings.Contains(err.Error(), "pods.max") {
		t.Errorf("err = %v, want ErrNoData naming pods.max", err)
	}
}
