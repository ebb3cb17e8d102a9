package azuretrace

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// MinExecMs is the shortest execution time a fit takes: the dataset
// records averages of 0 ms for the fastest functions, and a log-normal
// needs a positive median.
const MinExecMs = 1.0

// z99 is the standard normal's 99th percentile, Φ⁻¹(0.99) ≈ 2.3263.
var z99 = distuv.UnitNormal.Quantile(0.99)

// ExecTime is a function's fitted execution time: exp(N(Mu, Sigma²))
// seconds, the form of a scenario's {type: lognormal, mu, sigma}.
type ExecTime struct {
	Mu, Sigma float64
}

// MedianMs is the fit's median in milliseconds.
func (e ExecTime) MedianMs() float64 { return math.Exp(e.Mu) * 1000 }

// Quantile is the fit's p quantile in milliseconds (0 < p < 1).
func (e ExecTime) Quantile(p float64) float64 {
	if e.Sigma == 0 {
		return e.MedianMs()
	}
	return distuv.LogNormal{Mu: e.Mu, Sigma: e.Sigma}.Quantile(p) * 1000
}

// FitExecTime fits a log-normal through a function's 50th and 99th
// percentiles (milliseconds): the median is p50, so Mu = ln(p50), and the
// 99th percentile p99, so Sigma = (ln p99 − ln p50) / Φ⁻¹(0.99). Both are
// raised to MinExecMs first; a p99 below p50 gives Sigma 0. The two
// percentiles are the body and the tail a run's latency depends on; the
// dataset's percentiles are of 30-second averages, so the fitted spread
// is, if anything, narrower than the invocations'.
func FitExecTime(p50, p99 float64) ExecTime {
	p50, p99 = math.Max(p50, MinExecMs), math.Max(p99, MinExecMs)
	e := ExecTime{Mu: math.Log(p50 / 1000)}
	if p99 > p50 {
		e.Sigma = (math.Log(p99) - math.Log(p50)) / z99
	}
	return e
}

// MinMemoryMi is the smallest memory request written.
const MinMemoryMi = 1

// MemoryPerFunction splits an app's allocated memory (MB, the dataset's
// AverageAllocatedMb) evenly over its functions: Azure Functions runs an
// app's functions in one process and measures memory per app, while
// knsim gives every function its own Service. The share is rounded up to
// whole MiB (the dataset's MB are 2^20 bytes, committed memory as Windows
// counts it) and at least MinMemoryMi.
func MemoryPerFunction(appMb float64, functions int) int {
	if functions < 1 {
		functions = 1
	}
	return max(MinMemoryMi, int(math.Ceil(appMb/float64(functions))))
}
