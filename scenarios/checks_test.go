package scenarios_test

import (
	"fmt"
	"math"

	"github.com/knsim/knsim/sim/results"
)

// checks holds assertions some scenarios need beyond their expect list,
// each returning what failed (in the style of a failed expectation): the
// expectation language scopes metrics by Service, not by revision, so
// traffic shares between revisions are checked here from the per-revision
// request counts in the results.
var checks = map[string]func(*results.Results) []string{
	// 50/50 between the tags current (helloworld-go-1) and candidate
	// (helloworld-go-2) on the main host, plus 20 rps on each tag host:
	// current- goes to -1 only, candidate- and latest- (0 %) to -2 only.
	"tag-split": func(res *results.Results) []string {
		var c checker
		one := c.requestsBetween(res, "helloworld-go-1", 41, 100)
		two := c.requestsBetween(res, "helloworld-go-2", 41, 100)
		// 60 s: 12000 on the main host, 1200 on each tag host.
		c.near("requests to both revisions in [41s, 100s]", one+two, 15600, 100)
		c.near("helloworld-go-1's share of the main host (current, 50 %)", (one-1200)/12000, 0.5, 0.03)
		c.near("helloworld-go-2's share of the main host (candidate, 50 %)", (two-2400)/12000, 0.5, 0.03)
		return c.failed
	},
	// rollout-duration 80s starting when canary-2 is Ready (~32 s): the new
	// revision's share is 1 %, 26 %, 51 %, 76 % for 20 s each, then 100 %.
	"canary-rollout": func(res *results.Results) []string {
		var c checker
		for _, step := range []struct{ from, to, share float64 }{
			{35, 51, 0.01}, {54, 71, 0.26}, {74, 91, 0.51}, {94, 111, 0.76}, {114, 180, 1},
		} {
			old := c.requestsBetween(res, "canary-1", step.from, step.to)
			cur := c.requestsBetween(res, "canary-2", step.from, step.to)
			c.near(fmt.Sprintf("canary-2's share of the traffic in [%gs, %gs]", step.from, step.to), cur/(old+cur), step.share, 0.03)
		}
		return c.failed
	},
	// The chaos scenarios count every event: each one a broker or channel
	// accepted ends delivered, dead-lettered or lost, none still in flight.
	"chaos-dispatcher-restart": accounted,
	"chaos-node-kill":          accounted,
	"chaos-apiserver-restart":  accounted,
}

// accounted checks that every accepted event was delivered, dead-lettered
// or lost (for scenarios without replies, filters or TTL drops, where each
// accepted event makes one delivery).
func accounted(res *results.Results) []string {
	e := res.Events
	if sum := e.Delivered + e.DeadLettered + e.Lost; sum != e.Accepted || e.Accepted == 0 {
		return []string{fmt.Sprintf("events accepted %d, delivered %d + dead-lettered %d + lost %d = %d (want the accepted, > 0)",
			e.Accepted, e.Delivered, e.DeadLettered, e.Lost, sum)}
	}
	return nil
}

// checker collects failures.
type checker struct{ failed []string }

// near fails unless got is within tol of want.
func (c *checker) near(what string, got, want, tol float64) {
	if math.IsNaN(got) || math.Abs(got-want) > tol {
		c.failed = append(c.failed, fmt.Sprintf("%s = %.4g (want %.4g ± %.4g)", what, got, want, tol))
	}
}

// requestsBetween sums a revision's per-second request counts over the
// samples at from..to seconds (inclusive).
func (c *checker) requestsBetween(res *results.Results, revision string, from, to float64) float64 {
	sum, found := 0.0, false
	for _, r := range res.Revisions {
		if r.Revision != revision {
			continue
		}
		found = true
		for _, s := range r.Samples {
			if float64(s.T) >= from && float64(s.T) <= to {
				sum += s.RPS
			}
		}
	}
	if !found {
		c.failed = append(c.failed, "no revision "+revision+" in the results")
	}
	return sum
}
