package activator

import (
	"fmt"
	"math/rand/v2"
)

// Policy is a load-balancing policy, picked from containerConcurrency as
// Knative's activator does.
type Policy int

const (
	// PowerOfTwoChoices draws two distinct pods at random and takes the one
	// with fewer requests in flight (a coin breaks ties); used when
	// containerConcurrency is 0.
	PowerOfTwoChoices Policy = iota + 1
	// FirstAvailable takes the first pod, in name order, with a free slot;
	// used when containerConcurrency is 1 to 3.
	FirstAvailable
	// RoundRobin walks the pods in name order from where the last pick
	// left off and takes the first with a free slot; used when
	// containerConcurrency is above 3.
	RoundRobin
)

// PolicyFor returns the policy Knative uses for containerConcurrency cc.
func PolicyFor(cc int) Policy {
	switch {
	case cc <= 0:
		return PowerOfTwoChoices
	case cc <= 3:
		return FirstAvailable
	default:
		return RoundRobin
	}
}

// String names the policy.
func (p Policy) String() string {
	switch p {
	case PowerOfTwoChoices:
		return "PowerOfTwoChoices"
	case FirstAvailable:
		return "FirstAvailable"
	case RoundRobin:
		return "RoundRobin"
	}
	return fmt.Sprintf("Policy(%d)", int(p))
}

// podTracker is the activator's view of one pod.
type podTracker struct {
	name     string
	inFlight int
	ready    bool // in the current ready set; false while a removed pod drains
}

// hasSlot reports whether the pod can take another request under cc
// (always, when cc is 0).
func (p *podTracker) hasSlot(cc int) bool { return cc == 0 || p.inFlight < cc }

// balancer picks pods; it holds the round-robin cursor and the random
// source.
type balancer struct {
	policy Policy
	cc     int
	rng    *rand.Rand
	next   int // round-robin: index to start the next search from
}

// pick chooses a pod with a free slot from pods (sorted by name), or nil
// when none has one.
func (b *balancer) pick(pods []*podTracker) *podTracker {
	if len(pods) == 0 {
		return nil
	}
	switch b.policy {
	case PowerOfTwoChoices:
		return b.powerOfTwo(pods)
	case RoundRobin:
		return b.roundRobin(pods)
	default:
		return b.firstAvailable(pods)
	}
}

func (b *balancer) powerOfTwo(pods []*podTracker) *podTracker {
	n := len(pods)
	if n == 1 {
		return pods[0]
	}
	i := b.rng.IntN(n)
	j := b.rng.IntN(n - 1)
	if j >= i {
		j++ // uniform over the indices other than i
	}
	a, c := pods[i], pods[j]
	switch {
	case c.inFlight < a.inFlight:
		return c
	case c.inFlight == a.inFlight && b.rng.IntN(2) == 0:
		return c
	}
	return a
}

func (b *balancer) firstAvailable(pods []*podTracker) *podTracker {
	for _, p := range pods {
		if p.hasSlot(b.cc) {
			return p
		}
	}
	return nil
}

func (b *balancer) roundRobin(pods []*podTracker) *podTracker {
	n := len(pods)
	if b.next >= n {
		b.next = 0 // the pod set shrank
	}
	for k := range n {
		i := (b.next + k) % n
		if pods[i].hasSlot(b.cc) {
			b.next = i + 1
			return pods[i]
		}
	}
	return nil
}
