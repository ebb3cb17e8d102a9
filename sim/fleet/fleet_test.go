package fleet

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestConfigValidate(t *testing.T) {
	for _, c := range []struct {
		name string
		cfg  Config
		want string // a substring of the error; "" for none
	}{
		{"shipped", Config{Functions: 20, Seed: 1}, ""},
		{"shipped with the default scale", Config{Functions: 20, InvocationsPerFunction: DefaultInvocationsPerFunction}, ""},
		{"one", Config{Functions: 1}, ""},
		{"largest", Config{Functions: MaxFunctions, InvocationsPerFunction: MaxInvocationsPerFunction}, ""},
		{"zero functions", Config{}, "functions: expected at least 1, got 0"},
		{"negative functions", Config{Functions: -3}, "functions: expected at least 1, got -3"},
		{"too many functions", Config{Functions: MaxFunctions + 1}, "functions: expected at most 100000, got 100001"},
		{"negative scale", Config{Functions: 5, InvocationsPerFunction: -1}, "invocations per function: expected 0 (the default, 60000) to 10000000, got -1"},
		{"scale too large", Config{Functions: 5, InvocationsPerFunction: 2e7}, "got 2e+07"},
		{"shipped rescaled", Config{Functions: 20, InvocationsPerFunction: 1000}, "20 functions are the shipped profiles"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := c.cfg.Validate()
			got := ""
			if err != nil {
				got = err.Error()
			}
			if c.want == "" && err != nil || c.want != "" && !strings.Contains(got, c.want) {
				t.Errorf("Validate() = %q, want %q", got, c.want)
			}
			if c.cfg.Functions > 1000 {
				return // generating the largest fleet takes seconds
			}
			if _, gerr := Generate(c.cfg); (gerr != nil) != (err != nil) {
				t.Errorf("Generate error %v, Validate error %v", gerr, err)
			}
		})
	}
}

func TestShippedProfiles(t *testing.T) {
	f, err := Generate(Config{Functions: 20, Seed: 9})
	if err != nil {
		t.Fatal(err)
	}
	var got []Profile
	for _, fn := range f.Functions {
		got = append(got, fn.Profile)
	}
	if diff := cmp.Diff(ShippedProfiles(), got); diff != "" {
		t.Errorf("20 functions are not the shipped profiles (-want +got):\n%s", diff)
	}
	// ShippedProfiles hands out a copy.
	ShippedProfiles()[0].Service = "changed"
	if ShippedProfiles()[0].Service != "fn-00" {
		t.Error("ShippedProfiles returned the package's own slice")
	}
}

// Sampled makes 20 functions a sample of the population, which scales.
func TestSampledTwenty(t *testing.T) {
	c := Config{Functions: 20, Seed: 9, Sampled: true, InvocationsPerFunction: 30_000}
	if err := c.Validate(); err != nil {
		t.Fatalf("Validate() = %v, want nil: a sampled fleet of 20 scales", err)
	}
	f, err := Generate(c)
	if err != nil {
		t.Fatal(err)
	}
	var got []Profile
	for _, fn := range f.Functions {
		got = append(got, fn.Profile)
	}
	if cmp.Equal(ShippedProfiles(), got) {
		t.Error("a sampled fleet of 20 has the shipped profiles")
	}
	if len(got) != 20 {
		t.Errorf("got %d functions, want 20", len(got))
	}
}

func trace(t *testing.T, c Config) []byte {
	t.Helper()
	f, err := Generate(c)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := f.WriteTrace(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// The same Config gives the same bytes; another seed another trace with
// the same hashes.
func TestDeterministic(t *testing.T) {
	for _, n := range []int{1, 20, 37, 100} {
		a, b := trace(t, Config{Functions: n, Seed: 1}), trace(t, Config{Functions: n, Seed: 1})
		c := trace(t, Config{Functions: n, Seed: 2})
		if !bytes.Equal(a, b) {
			t.Errorf("%d functions: seed 1 gave two different traces", n)
		}
		if bytes.Equal(a, c) {
			t.Errorf("%d functions: seeds 1 and 2 gave the same trace", n)
		}
		hashes := func(csv []byte) []string {
			var h []string
			for _, line := range strings.Split(strings.TrimSpace(string(csv)), "\n")[1:] {
				h = append(h, strings.Join(strings.Split(line, ",")[:3], ","))
			}
			return h
		}
		if diff := cmp.Diff(hashes(a), hashes(c)); diff != "" {
			t.Errorf("%d functions: the hashes depend on the seed (-seed 1 +seed 2):\n%s", n, diff)
		}
	}
}

// Hashes are a function of the index only: the shipped trace's first
// function and a sampled fleet's share HashFunction.
func TestHash(t *testing.T) {
	for _, c := range []struct {
		kind string
		i    int
		want string
	}{
		{"owner", 0, "be5f65fa768ab84065c4e8b06f10ff0b5bf71e6c4e1267859f4b5f187049dcde"},
		{"app", 0, "8475b9d53265d82e35bee7d68ae4eaf76e9d79d6f054f9dce02fa1062d78a346"},
		{"function", 0, "9dbebf5cbbb22e1822677459c1a3ba0c4d303ec43f5d61624ed46af0ae67a4cc"},
		{"function", 4, "7d0681dc663650e164bd83c8a81ead2a6f36b9b203bb8f5db66b070a6887bb81"},
		{"function", 5, "7e139ee05645a34880b9bb7e606dd6cd991a550cb7f2b4180533f38a1ece2e1e"},
	} {
		if got := Hash(c.kind, c.i); got != c.want {
			t.Errorf("Hash(%q, %d) = %s, want %s", c.kind, c.i, got, c.want)
		}
	}
	a, _ := Generate(Config{Functions: 20, Seed: 1})
	b, _ := Generate(Config{Functions: 50, Seed: 3})
	if a.Functions[7].Function != b.Functions[7].Function {
		t.Error("function 7's hash differs between fleets")
	}
}

func TestServiceName(t *testing.T) {
	for _, c := range []struct {
		i, n int
		want string
	}{
		{0, 1, "fn-00"}, {7, 20, "fn-07"}, {99, 100, "fn-99"}, {5, 101, "fn-005"},
		{999, 1000, "fn-999"}, {42, 1001, "fn-0042"}, {0, MaxFunctions, "fn-00000"},
	} {
		if got := ServiceName(c.i, c.n); got != c.want {
			t.Errorf("ServiceName(%d, %d) = %s, want %s", c.i, c.n, got, c.want)
		}
	}
}

func TestRotate(t *testing.T) {
	day := make([]int, MinutesPerDay)
	for m := range day {
		day[m] = m
	}
	f := &Fleet{Functions: []Function{{PerMinute: day}}}
	for _, c := range []struct {
		from      time.Duration
		first     int
		last      int
		wantStart time.Duration
	}{
		{0, 0, 1439, 0},
		{13*time.Hour + 45*time.Minute, 825, 824, 13*time.Hour + 45*time.Minute},
		{90 * time.Second, 1, 0, time.Minute}, // truncated to the minute
		{-30 * time.Minute, 1410, 1409, 23*time.Hour + 30*time.Minute},
		{25 * time.Hour, 60, 59, time.Hour},
	} {
		r := f.Rotate(c.from)
		got := []any{r.Functions[0].PerMinute[0], r.Functions[0].PerMinute[MinutesPerDay-1], r.Start}
		if diff := cmp.Diff([]any{c.first, c.last, c.wantStart}, got); diff != "" {
			t.Errorf("Rotate(%s): first, last minute and start (-want +got):\n%s", c.from, diff)
		}
		if r.Rotate(-c.from).Functions[0].PerMinute[5] != 5 {
			t.Errorf("Rotate(%s) then back does not give the day back", c.from)
		}
	}
	if f.Functions[0].PerMinute[0] != 0 {
		t.Error("Rotate changed the fleet it copies")
	}
}

func TestExpectedDaily(t *testing.T) {
	for _, c := range []struct {
		p    Profile
		want float64
	}{
		{Profile{Shape: Diurnal, PerMinute: 2, Amplitude: 0.9}, 2880},
		{Profile{Shape: Bursty, PerMinute: 0.5, Sigma: 1.2}, 720},
		{Profile{Shape: Timer, Period: 2, Offset: 1}, 720},
		{Profile{Shape: Timer, Period: 15, Offset: 7}, 96},
		{Profile{Shape: Timer, Period: MinutesPerDay, Offset: 180}, 1},
		{Profile{Shape: Window, PerMinute: 0.3, From: 540, To: 1020}, 144},
		{Profile{Shape: Window, PerMinute: 1, From: 1430, To: 1500}, 10},
		{Profile{Shape: Clusters, Bursts: 10, PerBurst: 50}, 500},
	} {
		if got := c.p.ExpectedDaily(); got != c.want {
			t.Errorf("%s %+v: ExpectedDaily() = %g, want %g", c.p.Shape, c.p, got, c.want)
		}
	}
	// The shipped timers and clusters make exactly what they expect.
	f, _ := Generate(Config{Functions: 20, Seed: 1})
	for _, fn := range f.Functions {
		if s := fn.Profile.Shape; (s == Timer || s == Clusters) && float64(fn.Total()) != fn.Profile.ExpectedDaily() {
			t.Errorf("%s: %d invocations, expected %g", fn.Profile.Service, fn.Total(), fn.Profile.ExpectedDaily())
		}
	}
}

func TestShapeString(t *testing.T) {
	var got []string
	for s := Diurnal; s <= Clusters+1; s++ {
		got = append(got, s.String())
	}
	if diff := cmp.Diff([]string{"diurnal", "bursty", "timer", "window", "clusters", "Shape(5)"}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
