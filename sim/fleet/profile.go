package fleet

import "fmt"

// MinutesPerDay is the number of count columns of a trace row.
const MinutesPerDay = 1440

// Shape is how a function's invocations fall over the day.
type Shape int

// The shapes.
const (
	// Diurnal draws Poisson counts around
	// PerMinute * (1 + Amplitude * cos(2π (m - PeakHour) / day)).
	Diurnal Shape = iota
	// Bursty is Diurnal times a log-normal factor per 10-minute block
	// (mean 1, sigma Sigma): clustered arrivals, inter-arrival CV > 1.
	Bursty
	// Timer is exactly one invocation every Period minutes, starting at
	// minute Offset.
	Timer
	// Window draws Poisson counts at PerMinute in the minutes [From, To),
	// 0 elsewhere.
	Window
	// Clusters is Bursts groups of PerBurst invocations, each within 5
	// minutes, at random minutes of the day; 0 elsewhere.
	Clusters
)

var shapeNames = []string{"diurnal", "bursty", "timer", "window", "clusters"}

// String names the shape as the package documents it, e.g. "diurnal".
func (s Shape) String() string {
	if s >= 0 && int(s) < len(shapeNames) {
		return shapeNames[s]
	}
	return fmt.Sprintf("Shape(%d)", int(s))
}

// Profile is one synthetic function: where its invocations fall over the
// day and how long each takes.
type Profile struct {
	Service   string  // the Knative Service the scenario maps it to
	Owner     int     // owners (and apps) are shared by some functions
	App       int     // the app's index, hashed into HashApp
	Trigger   string  // http, timer, queue, event, storage, orchestration, others
	Shape     Shape   // how the day's invocations fall
	PerMinute float64 // mean invocations per minute (Diurnal, Bursty, Window)
	Amplitude float64 // diurnal amplitude as a fraction of the mean (0..1)
	PeakHour  float64 // hour of the diurnal peak
	Sigma     float64 // Bursty: log-normal sigma of the 10-minute factor
	Period    int     // Timer: minutes between invocations
	Offset    int     // Timer: minute of the first invocation (0-based)
	From, To  int     // Window: active minutes [From, To)
	Bursts    int     // Clusters: number of clusters
	PerBurst  int     // Clusters: invocations per cluster
	// MedianMs and ExecSigma are the median (milliseconds) and sigma of
	// the log-normal execution time, for the scenario's workload models.
	MedianMs  float64
	ExecSigma float64
	// MemoryMi, when positive, is the memory request (MiB) of the
	// Service's container; 0 writes no resources, as for the synthetic
	// profiles.
	MemoryMi int
}

// ExpectedDaily is the mean number of invocations the profile makes in a
// day.
func (p Profile) ExpectedDaily() float64 {
	switch p.Shape {
	case Diurnal, Bursty:
		// amplitude <= 1 keeps the curve >= 0, so the cosine averages out.
		return p.PerMinute * MinutesPerDay
	case Timer:
		if p.Period <= 0 || p.Offset >= MinutesPerDay {
			return 0
		}
		return float64((MinutesPerDay - p.Offset + p.Period - 1) / p.Period)
	case Window:
		return p.PerMinute * float64(max(0, min(p.To, MinutesPerDay)-p.From))
	case Clusters:
		return float64(p.Bursts * p.PerBurst)
	}
	return 0
}

// shipped are the 20 functions of scenarios/traces/azure-diurnal-20.csv,
// heaviest first: the top 4 (20 %) make over 99 % of the invocations, 9
// are invoked at most once an hour, 16 at most once a minute.
var shipped = []Profile{
	// The 4 heavy functions (20 %) make over 99 % of the invocations.
	{Service: "fn-00", Owner: 0, App: 0, Trigger: "http", Shape: Diurnal, PerMinute: 600, Amplitude: 0.8, PeakHour: 14, MedianMs: 50, ExecSigma: 0.5},
	{Service: "fn-01", Owner: 0, App: 1, Trigger: "http", Shape: Diurnal, PerMinute: 200, Amplitude: 0.7, PeakHour: 13, MedianMs: 200, ExecSigma: 0.6},
	{Service: "fn-02", Owner: 1, App: 2, Trigger: "queue", Shape: Bursty, PerMinute: 60, Amplitude: 0.6, PeakHour: 20, Sigma: 1.2, MedianMs: 1500, ExecSigma: 0.8},
	{Service: "fn-03", Owner: 2, App: 3, Trigger: "event", Shape: Diurnal, PerMinute: 15, Amplitude: 0.5, PeakHour: 15, MedianMs: 100, ExecSigma: 0.5},
	// 7 moderate functions: invoked more than once an hour, at most once a minute.
	{Service: "fn-04", Owner: 3, App: 4, Trigger: "timer", Shape: Timer, Period: 2, Offset: 1, MedianMs: 300, ExecSigma: 0.3},
	{Service: "fn-05", Owner: 4, App: 5, Trigger: "http", Shape: Diurnal, PerMinute: 0.6, Amplitude: 1, PeakHour: 14, MedianMs: 80, ExecSigma: 0.7},
	{Service: "fn-06", Owner: 4, App: 6, Trigger: "queue", Shape: Clusters, Bursts: 10, PerBurst: 50, MedianMs: 800, ExecSigma: 1},
	{Service: "fn-07", Owner: 5, App: 7, Trigger: "http", Shape: Diurnal, PerMinute: 0.25, Amplitude: 0.9, PeakHour: 11, MedianMs: 120, ExecSigma: 0.6},
	{Service: "fn-08", Owner: 6, App: 8, Trigger: "timer", Shape: Timer, Period: 15, Offset: 7, MedianMs: 2000, ExecSigma: 0.4},
	{Service: "fn-09", Owner: 7, App: 9, Trigger: "http", Shape: Window, PerMinute: 0.3, From: 9 * 60, To: 17 * 60, MedianMs: 250, ExecSigma: 0.8},
	{Service: "fn-10", Owner: 8, App: 10, Trigger: "event", Shape: Diurnal, PerMinute: 0.05, Amplitude: 0.5, PeakHour: 16, MedianMs: 40, ExecSigma: 0.5},
	// 9 rare functions (45 %): invoked at most once an hour on average.
	{Service: "fn-11", Owner: 9, App: 11, Trigger: "timer", Shape: Timer, Period: 60, Offset: 0, MedianMs: 3000, ExecSigma: 0.3},
	{Service: "fn-12", Owner: 9, App: 12, Trigger: "http", Shape: Diurnal, PerMinute: 12.0 / MinutesPerDay, Amplitude: 0.9, PeakHour: 14, MedianMs: 150, ExecSigma: 0.6},
	{Service: "fn-13", Owner: 10, App: 13, Trigger: "http", Shape: Diurnal, PerMinute: 6.0 / MinutesPerDay, Amplitude: 0.8, PeakHour: 10, MedianMs: 500, ExecSigma: 1},
	{Service: "fn-14", Owner: 10, App: 14, Trigger: "storage", Shape: Clusters, Bursts: 1, PerBurst: 4, MedianMs: 1000, ExecSigma: 0.5},
	{Service: "fn-15", Owner: 11, App: 15, Trigger: "timer", Shape: Timer, Period: MinutesPerDay, Offset: 3 * 60, MedianMs: 5000, ExecSigma: 0.2},
	{Service: "fn-16", Owner: 11, App: 16, Trigger: "http", Shape: Diurnal, PerMinute: 3.0 / MinutesPerDay, Amplitude: 0.5, PeakHour: 18, MedianMs: 60, ExecSigma: 0.5},
	{Service: "fn-17", Owner: 1, App: 17, Trigger: "queue", Shape: Clusters, Bursts: 2, PerBurst: 1, MedianMs: 700, ExecSigma: 0.9},
	{Service: "fn-18", Owner: 2, App: 18, Trigger: "others", Shape: Clusters, Bursts: 1, PerBurst: 1, MedianMs: 400, ExecSigma: 0.5},
	{Service: "fn-19", Owner: 3, App: 19, Trigger: "orchestration", Shape: Window, PerMinute: 0.5, From: 23*60 + 30, To: 23*60 + 32, MedianMs: 30, ExecSigma: 0.4},
}

// ShippedProfiles returns a copy of the 20 hand-written profiles of the
// shipped trace scenarios/traces/azure-diurnal-20.csv, which a [Config]
// of 20 functions generates.
func ShippedProfiles() []Profile {
	return append([]Profile(nil), shipped...)
}
