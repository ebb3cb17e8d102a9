package sweep

import (
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestGridDesign(t *testing.T) {
	for _, tc := range []struct {
		name   string
		params []Parameter
		want   [][]Value
	}{
		{"one list", []Parameter{{Path: "a", Values: []Value{"1", "2", "3"}}}, [][]Value{{"1"}, {"2"}, {"3"}}},
		{"last varies fastest", []Parameter{{Path: "a", Values: []Value{"x", "y"}}, {Path: "b", Values: []Value{"1", "2"}}},
			[][]Value{{"x", "1"}, {"x", "2"}, {"y", "1"}, {"y", "2"}}},
		{"range steps", []Parameter{{Path: "a", Range: &Range{Min: "10", Max: "30", Steps: 3}}}, [][]Value{{"10"}, {"20"}, {"30"}}},
		{"log range", []Parameter{{Path: "a", Range: &Range{Min: "1", Max: "100", Steps: 3, Scale: "log"}}}, [][]Value{{"1"}, {"10"}, {"100"}}},
		{"duration range", []Parameter{{Path: "a", Range: &Range{Min: "10ms", Max: "1s", Steps: 3}}}, [][]Value{{"10ms"}, {"505ms"}, {"1s"}}},
		{"quantity range", []Parameter{{Path: "a", Range: &Range{Min: "512Mi", Max: "2Gi", Steps: 4}}}, [][]Value{{"512Mi"}, {"1Gi"}, {"1536Mi"}, {"2Gi"}}},
		{"integer rounding drops repeats", []Parameter{{Path: "a", Range: &Range{Min: "1", Max: "2", Steps: 4, Integer: true}}}, [][]Value{{"1"}, {"2"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := &File{Parameters: tc.params}
			pts, err := f.Points()
			if err != nil {
				t.Fatal(err)
			}
			var got [][]Value
			for i, p := range pts {
				if p.Index != i {
					t.Errorf("point %d has index %d", i, p.Index)
				}
				got = append(got, p.Values)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("points (-want +got):\n%s", diff)
			}
		})
	}
}

// A zip design pairs the lists: point i takes every parameter's i-th value.
func TestZipDesign(t *testing.T) {
	f := &File{Design: Design{Type: Zip}, Parameters: []Parameter{
		{Path: "class", Values: []Value{"kpa", "keepalive", "keepalive"}},
		{Path: "keep-alive", Values: []Value{"10m", "10m", "20m"}},
	}}
	pts, err := f.Points()
	if err != nil {
		t.Fatal(err)
	}
	want := []Point{{Index: 0, Values: []Value{"kpa", "10m"}}, {Index: 1, Values: []Value{"keepalive", "10m"}}, {Index: 2, Values: []Value{"keepalive", "20m"}}}
	if diff := cmp.Diff(want, pts); diff != "" {
		t.Errorf("points (-want +got):\n%s", diff)
	}
}

// TestGridSize: a grid has the product of the parameters' value counts.
func TestGridSize(t *testing.T) {
	f := &File{Parameters: []Parameter{
		{Path: "a", Values: []Value{"1", "2", "3"}},
		{Path: "b", Range: &Range{Min: "0", Max: "1", Steps: 5}},
		{Path: "c", Values: []Value{"x", "y"}},
	}}
	pts, err := f.Points()
	if err != nil {
		t.Fatal(err)
	}
	if len(pts) != 30 || gridSize(f) != 30 {
		t.Errorf("grid has %d points (gridSize %d), want 3*5*2 = 30", len(pts), gridSize(f))
	}
}

// TestLHSStratified: with n points, each parameter's range cut into n
// equal strata holds exactly one point per stratum.
func TestLHSStratified(t *testing.T) {
	for _, n := range []int{1, 7, 50} {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			f := &File{Design: Design{Type: LHS, Points: n, Seed: 3}, Parameters: []Parameter{
				{Path: "a", Range: &Range{Min: "0", Max: "1"}},
				{Path: "b", Range: &Range{Min: "100", Max: "200"}},
			}}
			pts, err := f.Points()
			if err != nil {
				t.Fatal(err)
			}
			for dim, lo := range []float64{0, 100} {
				width := []float64{1, 100}[dim]
				var strata []int
				for _, p := range pts {
					v, err := strconv.ParseFloat(string(p.Values[dim]), 64)
					if err != nil {
						t.Fatal(err)
					}
					strata = append(strata, min(int((v-lo)/width*float64(n)), n-1))
				}
				slices.Sort(strata)
				want := make([]int, n)
				for i := range want {
					want[i] = i
				}
				if diff := cmp.Diff(want, strata); diff != "" {
					t.Errorf("parameter %d: strata (-want +got):\n%s", dim, diff)
				}
			}
		})
	}
}

// TestSeededDesigns: random and lhs give the same points for the same
// seed, other points for another seed, and stay in range.
func TestSeededDesigns(t *testing.T) {
	for _, typ := range []DesignType{Random, LHS} {
		t.Run(string(typ), func(t *testing.T) {
			draw := func(seed uint64) []Point {
				f := &File{Design: Design{Type: typ, Points: 20, Seed: seed}, Parameters: []Parameter{
					{Path: "a", Range: &Range{Min: "10ms", Max: "200ms"}},
					{Path: "b", Values: []Value{"kpa", "hpa"}},
				}}
				pts, err := f.Points()
				if err != nil {
					t.Fatal(err)
				}
				return pts
			}
			a, b := draw(1), draw(1)
			if diff := cmp.Diff(a, b); diff != "" {
				t.Errorf("seed 1 twice differs:\n%s", diff)
			}
			if cmp.Equal(a, draw(2)) {
				t.Errorf("seeds 1 and 2 gave the same points")
			}
			seen := map[Value]bool{}
			for _, p := range a {
				d, err := parseDurationValue(p.Values[0])
				if err != nil || d < 10e6 || d > 200e6 {
					t.Errorf("point %d: %s is outside 10ms..200ms (%v)", p.Index, p.Values[0], err)
				}
				seen[p.Values[1]] = true
			}
			if !seen["kpa"] || !seen["hpa"] {
				t.Errorf("20 points drew only %v of kpa and hpa", seen)
			}
		})
	}
}

func parseDurationValue(v Value) (float64, error) {
	d, err := time.ParseDuration(string(v))
	return float64(d), err
}
