// Command gentrace writes a deterministic synthetic invocation trace in the
// Azure Functions 2019 per-minute format (AzureFunctionsDataset2019,
// invocations_per_function_md.anon.dNN.csv):
//
//	HashOwner,HashApp,HashFunction,Trigger,1,2,...,1440
//
// for 20 functions whose daily shape follows the workload facts of
// "Serverless in the Wild" (ATC'20): invocation rates spanning orders of
// magnitude (the top 4 of 20 functions make over 99 % of the invocations,
// 9 of 20 are invoked at most once an hour, 16 of 20 at most once a minute),
// diurnal load peaking in the afternoon, timers with fixed periods, bursty
// functions with inter-arrival CV > 1 and functions idle most of the day.
//
// Usage (from the repository root):
//
//	go run ./scenarios/tools/gentrace -seed 1 -out scenarios/traces/azure-diurnal-20.csv
//	go run ./scenarios/tools/gentrace -seed 1 -rotate 13h45m -out scenarios/traces/azure-diurnal-20-from-13h45.csv
//	go run ./scenarios/tools/gentrace -print-map    # the scenario's trace map and workloads
//
// -rotate makes a file whose minute 1 is that time of day, for replaying a
// part of the day from the start of a run (the trace generator's offset
// field is not supported by the runner yet).
//
// The same seed always gives the same file, byte for byte. Hashes depend
// only on the function's index, not on the seed, so a scenario's trace map
// stays valid when the seed changes.
package main

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
)

// MinutesPerDay is the number of count columns of a trace row.
const MinutesPerDay = 1440

// shape is how a function's invocations fall over the day.
type shape int

const (
	// diurnal: Poisson counts around perMinute * (1 + amplitude * cos(2π (m - peak) / day)).
	diurnal shape = iota
	// bursty: diurnal, times a log-normal factor per 10-minute block (mean 1,
	// sigma burstSigma): clustered arrivals, inter-arrival CV > 1.
	bursty
	// timer: exactly one invocation every period minutes, starting at offset.
	timer
	// window: Poisson at perMinute between the from and to minutes, 0 elsewhere.
	window
	// clusters: `bursts` groups of `perBurst` invocations within a few minutes,
	// at random minutes of the day; 0 elsewhere.
	clusters
)

// profile is one synthetic function.
type profile struct {
	Service   string  // the Knative Service the scenario maps it to
	Owner     int     // owners (and apps) are shared by some functions
	App       int     //
	Trigger   string  // http, timer, queue, event, storage, orchestration, others
	Shape     shape   //
	PerMinute float64 // mean invocations per minute (diurnal, bursty, window)
	Amplitude float64 // diurnal amplitude as a fraction of the mean (0..1)
	PeakHour  float64 // hour of the diurnal peak
	Sigma     float64 // bursty: log-normal sigma of the 10-minute factor
	Period    int     // timer: minutes between invocations
	Offset    int     // timer: minute of the first invocation (0-based)
	From, To  int     // window: active minutes [From, To)
	Bursts    int     // clusters: number of clusters
	PerBurst  int     // clusters: invocations per cluster
	// Median and Sigma of the execution time (log-normal), for the
	// scenario's workload models.
	MedianMs  float64
	ExecSigma float64
}

// profiles are the 20 functions, heaviest first.
var profiles = []profile{
	// The 4 heavy functions (20 %) make over 99 % of the invocations.
	{Service: "fn-00", Owner: 0, App: 0, Trigger: "http", Shape: diurnal, PerMinute: 600, Amplitude: 0.8, PeakHour: 14, MedianMs: 50, ExecSigma: 0.5},
	{Service: "fn-01", Owner: 0, App: 1, Trigger: "http", Shape: diurnal, PerMinute: 200, Amplitude: 0.7, PeakHour: 13, MedianMs: 200, ExecSigma: 0.6},
	{Service: "fn-02", Owner: 1, App: 2, Trigger: "queue", Shape: bursty, PerMinute: 60, Amplitude: 0.6, PeakHour: 20, Sigma: 1.2, MedianMs: 1500, ExecSigma: 0.8},
	{Service: "fn-03", Owner: 2, App: 3, Trigger: "event", Shape: diurnal, PerMinute: 15, Amplitude: 0.5, PeakHour: 15, MedianMs: 100, ExecSigma: 0.5},
	// 7 moderate functions: invoked more than once an hour, at most once a minute.
	{Service: "fn-04", Owner: 3, App: 4, Trigger: "timer", Shape: timer, Period: 2, Offset: 1, MedianMs: 300, ExecSigma: 0.3},
	{Service: "fn-05", Owner: 4, App: 5, Trigger: "http", Shape: diurnal, PerMinute: 0.6, Amplitude: 1, PeakHour: 14, MedianMs: 80, ExecSigma: 0.7},
	{Service: "fn-06", Owner: 4, App: 6, Trigger: "queue", Shape: clusters, Bursts: 10, PerBurst: 50, MedianMs: 800, ExecSigma: 1},
	{Service: "fn-07", Owner: 5, App: 7, Trigger: "http", Shape: diurnal, PerMinute: 0.25, Amplitude: 0.9, PeakHour: 11, MedianMs: 120, ExecSigma: 0.6},
	{Service: "fn-08", Owner: 6, App: 8, Trigger: "timer", Shape: timer, Period: 15, Offset: 7, MedianMs: 2000, ExecSigma: 0.4},
	{Service: "fn-09", Owner: 7, App: 9, Trigger: "http", Shape: window, PerMinute: 0.3, From: 9 * 60, To: 17 * 60, MedianMs: 250, ExecSigma: 0.8},
	{Service: "fn-10", Owner: 8, App: 10, Trigger: "event", Shape: diurnal, PerMinute: 0.05, Amplitude: 0.5, PeakHour: 16, MedianMs: 40, ExecSigma: 0.5},
	// 9 rare functions (45 %): invoked at most once an hour on average.
	{Service: "fn-11", Owner: 9, App: 11, Trigger: "timer", Shape: timer, Period: 60, Offset: 0, MedianMs: 3000, ExecSigma: 0.3},
	{Service: "fn-12", Owner: 9, App: 12, Trigger: "http", Shape: diurnal, PerMinute: 12.0 / MinutesPerDay, Amplitude: 0.9, PeakHour: 14, MedianMs: 150, ExecSigma: 0.6},
	{Service: "fn-13", Owner: 10, App: 13, Trigger: "http", Shape: diurnal, PerMinute: 6.0 / MinutesPerDay, Amplitude: 0.8, PeakHour: 10, MedianMs: 500, ExecSigma: 1},
	{Service: "fn-14", Owner: 10, App: 14, Trigger: "storage", Shape: clusters, Bursts: 1, PerBurst: 4, MedianMs: 1000, ExecSigma: 0.5},
	{Service: "fn-15", Owner: 11, App: 15, Trigger: "timer", Shape: timer, Period: MinutesPerDay, Offset: 3 * 60, MedianMs: 5000, ExecSigma: 0.2},
	{Service: "fn-16", Owner: 11, App: 16, Trigger: "http", Shape: diurnal, PerMinute: 3.0 / MinutesPerDay, Amplitude: 0.5, PeakHour: 18, MedianMs: 60, ExecSigma: 0.5},
	{Service: "fn-17", Owner: 1, App: 17, Trigger: "queue", Shape: clusters, Bursts: 2, PerBurst: 1, MedianMs: 700, ExecSigma: 0.9},
	{Service: "fn-18", Owner: 2, App: 18, Trigger: "others", Shape: clusters, Bursts: 1, PerBurst: 1, MedianMs: 400, ExecSigma: 0.5},
	{Service: "fn-19", Owner: 3, App: 19, Trigger: "orchestration", Shape: window, PerMinute: 0.5, From: 23*60 + 30, To: 23*60 + 32, MedianMs: 30, ExecSigma: 0.4},
}

func main() {
	seed := flag.Uint64("seed", 1, "seed of the random counts")
	out := flag.String("out", "", "write the CSV here (default stdout)")
	printMap := flag.Bool("print-map", false, "print the scenario's trace map and workloads instead of the CSV")
	services := flag.String("services", "", "also write the 20 Knative Services (one per function) to this file")
	rotate := flag.Duration("rotate", 0, "start the day at this time of day (e.g. 13h45m): minute 1 of the file is that minute, the minutes before it move to the end")
	stats := flag.Bool("stats", false, "print each function's daily total and inter-arrival CV to stderr")
	flag.Parse()

	if *printMap {
		printScenarioMap(os.Stdout)
		return
	}
	rows := Generate(*seed)
	if *rotate != 0 {
		rows = Rotate(rows, int(rotate.Minutes()))
	}
	w := io.Writer(os.Stdout)
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			fmt.Fprintln(os.Stderr, "gentrace:", err)
			os.Exit(1)
		}
		defer f.Close()
		w = f
	}
	if err := Write(w, rows); err != nil {
		fmt.Fprintln(os.Stderr, "gentrace:", err)
		os.Exit(1)
	}
	if *stats {
		printStats(os.Stderr, rows)
	}
	if *services != "" {
		if err := os.WriteFile(*services, []byte(Services()), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "gentrace:", err)
			os.Exit(1)
		}
	}
}

// Services is one Knative Service per function, as YAML documents. They
// take every autoscaling default; the scenario's config-autoscaler sets the
// targets.
func Services() string {
	var b strings.Builder
	b.WriteString("# One Knative Service per function of scenarios/traces/azure-diurnal-20.csv.\n")
	b.WriteString("# Generated by: go run ./scenarios/tools/gentrace -services scenarios/testdata/azure-diurnal-20-services.yaml -out scenarios/traces/azure-diurnal-20.csv\n")
	for i, p := range profiles {
		if i > 0 {
			b.WriteString("---\n")
		}
		fmt.Fprintf(&b, `apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: %s
  namespace: default
  labels:
    trace.knsim.dev/trigger: %s
spec:
  template:
    spec:
      containers:
        - image: registry.example.com/functions/%s:v1
`, p.Service, p.Trigger, p.Service)
	}
	return b.String()
}

// Row is one function's day.
type Row struct {
	Profile              profile
	Owner, App, Function string
	PerMinute            []int
}

// Hash names a synthetic owner, app or function as the dataset does: 64
// hexadecimal digits.
func Hash(kind string, i int) string {
	sum := sha256.Sum256([]byte("knsim/gentrace/" + kind + "/" + strconv.Itoa(i)))
	return hex.EncodeToString(sum[:])
}

// Generate draws every function's per-minute counts for seed.
func Generate(seed uint64) []Row {
	rows := make([]Row, len(profiles))
	for i, p := range profiles {
		// One stream per function: changing one profile leaves the others alone.
		r := rand.New(rand.NewPCG(seed, uint64(i)))
		rows[i] = Row{Profile: p, Owner: Hash("owner", p.Owner), App: Hash("app", p.App), Function: Hash("function", i), PerMinute: counts(p, r)}
	}
	return rows
}

func counts(p profile, r *rand.Rand) []int {
	c := make([]int, MinutesPerDay)
	diurnalRate := func(m int) float64 {
		phase := 2 * math.Pi * (float64(m) + 0.5 - p.PeakHour*60) / MinutesPerDay
		return math.Max(0, p.PerMinute*(1+p.Amplitude*math.Cos(phase)))
	}
	switch p.Shape {
	case diurnal:
		for m := range c {
			c[m] = poisson(r, diurnalRate(m))
		}
	case bursty:
		factor := 1.0
		for m := range c {
			if m%10 == 0 {
				// log-normal with mean 1: exp(N(-sigma²/2, sigma²))
				factor = math.Exp(r.NormFloat64()*p.Sigma - p.Sigma*p.Sigma/2)
			}
			c[m] = poisson(r, diurnalRate(m)*factor)
		}
	case timer:
		for m := p.Offset; m < MinutesPerDay; m += p.Period {
			c[m] = 1
		}
	case window:
		for m := p.From; m < p.To && m < MinutesPerDay; m++ {
			c[m] = poisson(r, p.PerMinute)
		}
	case clusters:
		for range p.Bursts {
			start := r.IntN(MinutesPerDay - 5)
			for range p.PerBurst {
				c[start+r.IntN(5)]++
			}
		}
	}
	return c
}

// poisson draws a Poisson count with mean lambda: Knuth's method for small
// means, a rounded normal approximation for large ones.
func poisson(r *rand.Rand, lambda float64) int {
	switch {
	case lambda <= 0:
		return 0
	case lambda < 30:
		l, k, p := math.Exp(-lambda), 0, 1.0
		for {
			p *= r.Float64()
			if p <= l {
				return k
			}
			k++
		}
	default:
		return max(0, int(math.Round(lambda+math.Sqrt(lambda)*r.NormFloat64())))
	}
}

// Rotate starts each row's day at minute from (0-based): a replay from the
// file's start then begins at that time of day.
func Rotate(rows []Row, from int) []Row {
	from = ((from % MinutesPerDay) + MinutesPerDay) % MinutesPerDay
	out := make([]Row, len(rows))
	for i, r := range rows {
		r.PerMinute = append(append([]int(nil), r.PerMinute[from:]...), r.PerMinute[:from]...)
		out[i] = r
	}
	return out
}

// Write writes rows in the Azure Functions 2019 format.
func Write(w io.Writer, rows []Row) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("HashOwner,HashApp,HashFunction,Trigger")
	for m := 1; m <= MinutesPerDay; m++ {
		bw.WriteString("," + strconv.Itoa(m))
	}
	bw.WriteString("\n")
	for _, row := range rows {
		bw.WriteString(row.Owner + "," + row.App + "," + row.Function + "," + row.Profile.Trigger)
		for _, n := range row.PerMinute {
			bw.WriteString("," + strconv.Itoa(n))
		}
		bw.WriteString("\n")
	}
	return bw.Flush()
}

// printScenarioMap prints the trace map and workloads of the scenario that
// replays the trace, one Service per function.
func printScenarioMap(w io.Writer) {
	fmt.Fprintln(w, "    map:")
	for i, p := range profiles {
		fmt.Fprintf(w, "      %q: %s\n", Hash("function", i), p.Service)
	}
	fmt.Fprintln(w, "workloads:")
	for _, p := range profiles {
		fmt.Fprintf(w, "  %s: {serviceTime: {type: lognormal, mu: %.3f, sigma: %g}}   # median %gms\n",
			p.Service, math.Log(p.MedianMs/1000), p.ExecSigma, p.MedianMs)
	}
}

// printStats prints each function's daily total, busiest minute, idle
// minutes and the CV of its per-minute inter-arrival gaps.
func printStats(w io.Writer, rows []Row) {
	total := 0
	for _, row := range rows {
		for _, n := range row.PerMinute {
			total += n
		}
	}
	fmt.Fprintf(w, "%-6s %-13s %9s %7s %6s %5s %7s\n", "fn", "trigger", "day", "share", "peak", "idle", "cv")
	for _, row := range rows {
		sum, peak, idle := 0, 0, 0
		var times []float64
		for m, n := range row.PerMinute {
			sum += n
			peak = max(peak, n)
			if n == 0 {
				idle++
			}
			for k := range n {
				times = append(times, float64(m)+(float64(k)+0.5)/float64(n))
			}
		}
		fmt.Fprintf(w, "%-6s %-13s %9d %6.3f%% %6d %5d %7.2f\n", row.Profile.Service, row.Profile.Trigger, sum,
			100*float64(sum)/float64(total), peak, idle, cv(times))
	}
	fmt.Fprintf(w, "total %d invocations\n", total)
}

// cv is the coefficient of variation of the gaps between sorted times.
func cv(times []float64) float64 {
	if len(times) < 3 {
		return math.NaN()
	}
	var gaps []float64
	for i := 1; i < len(times); i++ {
		gaps = append(gaps, times[i]-times[i-1])
	}
	mean, sq := 0.0, 0.0
	for _, g := range gaps {
		mean += g
	}
	mean /= float64(len(gaps))
	for _, g := range gaps {
		sq += (g - mean) * (g - mean)
	}
	return math.Sqrt(sq/float64(len(gaps))) / mean
}
