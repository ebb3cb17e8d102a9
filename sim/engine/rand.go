package engine

import "math/rand/v2"

// Rand returns the random stream for the named component. The stream is a
// PCG generator seeded from the master seed and a hash of name, so:
//
//   - the same seed and name always give the same sequence;
//   - streams of different names are independent, and a component added
//     later does not perturb the numbers any existing component draws,
//     which a single shared generator would.
//
// Repeated calls with the same name return the same *rand.Rand, continuing
// its sequence. Like any *rand.Rand it is not safe for concurrent use; draw
// from it on the driver goroutine (inside event callbacks) to stay
// deterministic.
func (e *Engine) Rand(name string) *rand.Rand {
	e.mu.Lock()
	defer e.mu.Unlock()
	if r, ok := e.rands[name]; ok {
		return r
	}
	if e.rands == nil {
		e.rands = make(map[string]*rand.Rand)
	}
	r := newStream(e.seed, name)
	e.rands[name] = r
	return r
}

// newStream returns a fresh generator for (seed, name).
func newStream(seed uint64, name string) *rand.Rand {
	h := fnvLabel(fnvOffset, name)
	// splitmix64 decorrelates the two PCG words so that nearby seeds or
	// names that hash to nearby values still start far apart.
	hi := splitmix64(seed ^ splitmix64(h))
	lo := splitmix64(h ^ splitmix64(seed+0x9e3779b97f4a7c15))
	return rand.New(rand.NewPCG(hi, lo))
}

// splitmix64 is the finaliser of the SplitMix64 generator: a cheap bijective
// mixer with good avalanche.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}
