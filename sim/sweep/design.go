package sweep

import (
	"math/rand/v2"
)

// Point is one combination of parameter values.
type Point struct {
	// Index numbers the points from 0 in design order; results files and
	// shards go by it.
	Index int `json:"index"`
	// Values are the parameters' values, in the sweep file's order.
	Values []Value `json:"values"`
}

// Points lists the design's points. The same file always gives the same
// points: random and lhs draw from a generator seeded by design.seed.
func (f *File) Points() ([]Point, error) {
	dims := make([]dim, len(f.Parameters))
	for i, p := range f.Parameters {
		d := dim{values: p.Values}
		if p.Range != nil {
			b, err := p.Range.parse()
			if err != nil {
				return nil, err
			}
			d.rng = &b
		}
		dims[i] = d
	}
	seed := f.Design.Seed
	if seed == 0 {
		seed = 1
	}
	switch f.design() {
	case Random:
		return randomDesign(dims, f.Design.Points, seed), nil
	case LHS:
		return lhsDesign(dims, f.Design.Points, seed), nil
	case Zip:
		return zipDesign(dims), nil
	}
	return gridDesign(dims), nil
}

// dim is one parameter's values or range.
type dim struct {
	values []Value
	rng    *bounds
}

// choices are a grid's values of the dimension.
func (d dim) choices() []Value {
	if d.rng != nil {
		return d.rng.grid()
	}
	return d.values
}

// pick is the dimension's value at a fraction u in [0, 1): a listed value
// (each an equal share of [0, 1)) or a point of the range.
func (d dim) pick(u float64) Value {
	if d.rng != nil {
		return d.rng.at(u)
	}
	return d.values[min(int(u*float64(len(d.values))), len(d.values)-1)]
}

// gridSize is how many points a grid of f's parameters has (MaxPoints+1
// when more).
func gridSize(f *File) int {
	n := 1
	for _, p := range f.Parameters {
		k := len(p.Values)
		if p.Range != nil {
			k = max(p.Range.Steps, 1)
		}
		n *= max(k, 1)
		if n > MaxPoints {
			return MaxPoints + 1
		}
	}
	return n
}

// gridDesign lists every combination, the last parameter varying fastest.
func gridDesign(dims []dim) []Point {
	choices := make([][]Value, len(dims))
	n := 1
	for i, d := range dims {
		choices[i] = d.choices()
		n *= len(choices[i])
	}
	out := make([]Point, n)
	for p := range out {
		vals := make([]Value, len(dims))
		rest := p
		for i := len(dims) - 1; i >= 0; i-- {
			vals[i] = choices[i][rest%len(choices[i])]
			rest /= len(choices[i])
		}
		out[p] = Point{Index: p, Values: vals}
	}
	return out
}

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x5eed5)) }

// randomDesign draws every parameter of every point independently.
func randomDesign(dims []dim, n int, seed uint64) []Point {
	r := newRand(seed)
	out := make([]Point, n)
	for p := range out {
		vals := make([]Value, len(dims))
		for i, d := range dims {
			vals[i] = d.pick(r.Float64())
		}
		out[p] = Point{Index: p, Values: vals}
	}
	return out
}

// lhsDesign draws a Latin hypercube: each parameter's [0, 1) is cut into
// n strata, a random permutation gives each point its stratum, and the
// point lies uniformly within it. Every stratum of every parameter is used
// exactly once.
func lhsDesign(dims []dim, n int, seed uint64) []Point {
	r := newRand(seed)
	out := make([]Point, n)
	for p := range out {
		out[p] = Point{Index: p, Values: make([]Value, len(dims))}
	}
	for i, d := range dims {
		perm := r.Perm(n)
		for p := range out {
			u := (float64(perm[p]) + r.Float64()) / float64(n)
			out[p].Values[i] = d.pick(u)
		}
	}
	return out
}

// zipDesign pairs the dimensions' value lists (all of one length): point
// i takes every dimension's i-th value.
func zipDesign(dims []dim) []Point {
	if len(dims) == 0 {
		return nil
	}
	out := make([]Point, len(dims[0].values))
	for p := range out {
		vals := make([]Value, len(dims))
		for i, d := range dims {
			vals[i] = d.values[p]
		}
		out[p] = Point{Index: p, Values: vals}
	}
	return out
}
