package fleet

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
)

// The population of a sampled fleet (see the package documentation).
const (
	// rateSigma is the sigma of the log-normal daily rates (natural log):
	// the 1 % to 99 % quantiles span 7 orders of magnitude, and the top
	// 20 % of the distribution holds 99.7 % of its mass.
	rateSigma = 3.6
	// rareDaily is the daily count of a function invoked once an hour.
	rareDaily = 24
	// rareShare is the share of functions invoked at most rareDaily times.
	rareShare = 0.45
	// heavyShare is the share of functions scaled to the fleet's total.
	heavyShare = 0.2
	// medianExecMs and execSpread are the median (ms) and log-normal sigma
	// of the functions' median execution times, kept within
	// [minExecMs, maxExecMs].
	medianExecMs = 300
	execSpread   = 1.1
	minExecMs    = 30
	maxExecMs    = 5000
)

// rateMu puts the rareShare quantile of the daily rates at rareDaily.
var rateMu = math.Log(rareDaily) - rateSigma*normalQuantile(rareShare)

// Random streams: function i's counts draw from PCG(seed, i), its sampled
// profile from PCG(seed, profileStream|i), the quantile permutation from
// PCG(seed, permutationStream); i < MaxFunctions keeps them apart.
const (
	profileStream     = 1 << 62
	permutationStream = 1 << 63
)

// band is a function's class of rate.
type band int

const (
	rare     band = iota // at most rareDaily invocations a day
	moderate             // more, up to the heavy functions
	heavy                // the top heavyShare, scaled to the fleet's total
)

// weighted is a choice and its weight.
type weighted[T any] struct {
	v T
	w int
}

// pick draws one of choices in proportion to their weights.
func pick[T any](r *rand.Rand, choices []weighted[T]) T {
	total := 0
	for _, c := range choices {
		total += c.w
	}
	n := r.IntN(total)
	for _, c := range choices {
		if n < c.w {
			return c.v
		}
		n -= c.w
	}
	return choices[len(choices)-1].v
}

// triggers are the trigger mixes per band, in percent of the functions.
// HTTP is the most common trigger overall, then timers and queues; the
// heavy functions are HTTP, queue and event functions, timers are never
// heavy.
var triggers = map[band][]weighted[string]{
	heavy:    {{"http", 45}, {"queue", 25}, {"event", 20}, {"orchestration", 4}, {"storage", 4}, {"others", 2}},
	moderate: {{"http", 50}, {"timer", 20}, {"queue", 15}, {"orchestration", 8}, {"storage", 3}, {"event", 2}, {"others", 2}},
	rare:     {{"http", 55}, {"timer", 20}, {"queue", 10}, {"orchestration", 7}, {"storage", 4}, {"event", 2}, {"others", 2}},
}

// timerPeriods are the timers' periods in minutes: every 1 to 15 minutes
// for a moderate function, hourly or daily for a rare one.
var timerPeriods = map[band][]weighted[int]{
	moderate: {{1, 25}, {2, 15}, {5, 30}, {15, 30}},
	rare:     {{60, 55}, {MinutesPerDay, 45}},
}

// ServiceName is the Knative Service of function i in a fleet of n:
// fn-00 to fn-99, fn-000 to fn-999 and so on.
func ServiceName(i, n int) string {
	width := max(2, len(strconv.Itoa(n-1)))
	return fmt.Sprintf("fn-%0*d", width, i)
}

// sampleProfiles draws the profiles of a sampled fleet.
func sampleProfiles(c Config) []Profile {
	n := c.Functions
	rank := rand.New(rand.NewPCG(c.Seed, permutationStream)).Perm(n)
	nHeavy := max(1, int(math.Round(heavyShare*float64(n))))
	profiles := make([]Profile, n)
	// What the rare and moderate functions make is what the distribution
	// says; the heavy ones share the rest of the target.
	var light, heavyRaw, lightMax, heavyMin float64
	heavyMin = math.Inf(1)
	for i := range profiles {
		u := (float64(rank[i]) + 0.5) / float64(n)
		raw := math.Exp(rateMu + rateSigma*normalQuantile(u))
		b := moderate
		switch {
		case rank[i] >= n-nHeavy:
			b = heavy
		case raw <= rareDaily:
			b = rare
		}
		r := rand.New(rand.NewPCG(c.Seed, profileStream|uint64(i)))
		p := drawProfile(r, b, math.Max(1, raw))
		p.Service, p.Owner, p.App = ServiceName(i, n), i/3, i
		profiles[i] = p
		if b == heavy {
			heavyRaw += p.ExpectedDaily()
			heavyMin = math.Min(heavyMin, p.ExpectedDaily())
		} else {
			light += p.ExpectedDaily()
			lightMax = math.Max(lightMax, p.ExpectedDaily())
		}
	}
	// The heavy functions stay above every other one, however small the
	// target.
	k := (c.invocationsPerFunction()*float64(n) - light) / heavyRaw
	k = math.Max(k, lightMax/heavyMin)
	for i, p := range profiles {
		if rank[i] >= n-nHeavy {
			profiles[i].PerMinute = p.PerMinute * k
		}
	}
	for i := range profiles {
		capConcurrency(&profiles[i])
	}
	return profiles
}

// drawProfile draws a function's trigger, shape and execution time for a
// daily rate in band b. A heavy function's PerMinute is scaled afterwards.
func drawProfile(r *rand.Rand, b band, daily float64) Profile {
	p := Profile{Trigger: pick(r, triggers[b])}
	peak := func() float64 { return math.Round((12+5*r.Float64())*4) / 4 } // 12:00 to 17:00
	diurnal := func(s Shape) {
		p.Shape, p.PerMinute = s, daily/MinutesPerDay
		p.Amplitude = math.Round((0.3+0.6*r.Float64())*100) / 100
		p.PeakHour = peak()
		if s == Bursty && b == heavy {
			// 0.6 to 0.9: a heavier tail would let one function's bursts
			// swing the fleet's total and hide its diurnal shape.
			p.Sigma = float64(6+r.IntN(4)) / 10
		} else if s == Bursty {
			p.Sigma = float64(10+r.IntN(6)) / 10 // 1.0 to 1.5
		}
	}
	clusters := func(maxPerBurst int) {
		p.Shape = Clusters
		p.PerBurst = 1 + r.IntN(max(1, maxPerBurst))
		p.Bursts = max(1, int(math.Round(daily/float64(p.PerBurst))))
	}
	switch {
	case p.Trigger == "timer":
		p.Shape, p.Period = Timer, pick(r, timerPeriods[b])
		p.Offset = r.IntN(p.Period)
	case b == heavy && (p.Trigger == "queue" || p.Trigger == "storage"):
		diurnal(Bursty)
	case b == heavy:
		diurnal(Diurnal)
	case p.Trigger == "queue" || p.Trigger == "storage":
		switch {
		case daily >= 144: // at least one per 10-minute block on average
			diurnal(Bursty)
		case b == rare:
			clusters(min(4, int(daily)))
		default:
			clusters(min(20, int(daily)))
		}
	case b == rare && (p.Trigger == "others" || daily < 3):
		clusters(min(4, int(daily)))
	case b == moderate && p.Trigger == "http" && r.IntN(10) < 3:
		// business hours: from 7:00 to 11:00, for 6 to 10 hours
		p.Shape = Window
		p.From = 7*60 + r.IntN(4*60)
		p.To = p.From + 6*60 + r.IntN(4*60+1)
		p.PerMinute = daily / float64(p.To-p.From)
	default:
		diurnal(Diurnal)
	}
	median := medianExecMs * math.Exp(execSpread*r.NormFloat64())
	p.MedianMs = math.Round(math.Min(maxExecMs, math.Max(minExecMs, median)))
	p.ExecSigma = float64(2+r.IntN(9)) / 10 // 0.2 to 1.0
	return p
}

// capConcurrency shortens p's execution time so that its mean number of
// invocations in flight is at most MaxMeanConcurrency, down to minExecMs.
func capConcurrency(p *Profile) {
	meanExec := p.MedianMs / 1000 * math.Exp(p.ExecSigma*p.ExecSigma/2)
	inFlight := p.ExpectedDaily() / 86400 * meanExec
	if inFlight > MaxMeanConcurrency {
		p.MedianMs = math.Max(minExecMs, math.Floor(p.MedianMs*MaxMeanConcurrency/inFlight))
	}
}

// normalQuantile is the standard normal distribution's inverse CDF.
func normalQuantile(p float64) float64 { return math.Sqrt2 * math.Erfinv(2*p-1) }
