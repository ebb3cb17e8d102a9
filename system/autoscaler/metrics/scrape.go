package metrics

import "math"

// ScraperPodName is the PodName of the stats Aggregate produces: the
// autoscaler sees either the scraper (standing for all pods) or activators.
const ScraperPodName = "service-scraper"

// SampleSize is how many of readyPods the scraper asks each second: all of
// them up to 3, then the sample size for estimating a population mean with
// 95% confidence, a margin of error of 5 and a variance of 100:
// ceil(N*X / (N+X-1)) with X = 1.96^2 * 100 / 5^2.
func SampleSize(readyPods int) int {
	if readyPods < 0 {
		return 0
	}
	if readyPods <= 3 {
		return readyPods
	}
	x := 1.96 * 1.96 * 100 / (5.0 * 5.0)
	n := float64(readyPods)
	return int(math.Ceil(n * x / (n + x - 1)))
}

// Aggregate turns the stats of the sampled pods into one stat for the whole
// revision: each field is the sample mean times readyPods. Knative samples
// the oldest ready pods (pods are scraped by age). ok is false when there is
// nothing to report (no ready pods or no samples): no stat is recorded then.
func Aggregate(samples []Stat, readyPods int) (s Stat, ok bool) {
	if readyPods <= 0 || len(samples) == 0 {
		return Stat{}, false
	}
	for _, p := range samples {
		s.AverageConcurrentRequests += p.AverageConcurrentRequests
		s.AverageProxiedConcurrentRequests += p.AverageProxiedConcurrentRequests
		s.RequestCount += p.RequestCount
		s.ProxiedRequestCount += p.ProxiedRequestCount
	}
	scale := float64(readyPods)
	n := float64(len(samples))
	s.AverageConcurrentRequests = s.AverageConcurrentRequests / n * scale
	s.AverageProxiedConcurrentRequests = s.AverageProxiedConcurrentRequests / n * scale
	s.RequestCount = s.RequestCount / n * scale
	s.ProxiedRequestCount = s.ProxiedRequestCount / n * scale
	s.PodName = ScraperPodName
	return s, true
}
