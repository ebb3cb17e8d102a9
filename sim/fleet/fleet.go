package fleet

import (
	"crypto/sha256"
	"encoding/hex"
	"math"
	"math/rand/v2"
	"strconv"
	"time"
)

// Fleet is a generated day: every function's profile and per-minute
// invocation counts.
type Fleet struct {
	// Config is what generated the fleet.
	Config Config
	// Functions are the functions in index order.
	Functions []Function
	// Start is the time of day of the first minute (0 unless rotated).
	Start time.Duration
	// Source, when set, says where the functions come from (for example
	// "12 functions of the Azure Functions 2019 dataset, day 01") in
	// place of Config in the written files' comments and description: a
	// fleet read from a real trace rather than generated.
	Source string
}

// Function is one function's day.
type Function struct {
	// Profile is how the function behaves.
	Profile Profile
	// Owner, App and Function are the trace's HashOwner, HashApp and
	// HashFunction.
	Owner, App, Function string
	// PerMinute holds the invocations of each minute of the day.
	PerMinute []int
}

// Total is the function's invocations in the day.
func (f *Function) Total() int {
	n := 0
	for _, c := range f.PerMinute {
		n += c
	}
	return n
}

// Hash names a synthetic owner, app or function as the dataset does: 64
// hexadecimal digits, a function of kind and index only.
func Hash(kind string, i int) string {
	sum := sha256.Sum256([]byte("knsim/gentrace/" + kind + "/" + strconv.Itoa(i)))
	return hex.EncodeToString(sum[:])
}

// Profiles returns the profiles c generates: [ShippedProfiles] for 20
// functions, the sampled population otherwise.
func Profiles(c Config) ([]Profile, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if c.Shipped() {
		return ShippedProfiles(), nil
	}
	return sampleProfiles(c), nil
}

// Generate makes the fleet c describes: every function's profile and a
// day of per-minute counts drawn from it.
func Generate(c Config) (*Fleet, error) {
	profiles, err := Profiles(c)
	if err != nil {
		return nil, err
	}
	f := &Fleet{Config: c, Functions: make([]Function, len(profiles))}
	for i, p := range profiles {
		// One stream per function: changing one profile leaves the others alone.
		r := rand.New(rand.NewPCG(c.Seed, uint64(i)))
		f.Functions[i] = Function{Profile: p, Owner: Hash("owner", p.Owner), App: Hash("app", p.App),
			Function: Hash("function", i), PerMinute: counts(p, r)}
	}
	return f, nil
}

// Rotate returns a copy of the fleet whose day starts at the minute of
// from (a time of day, truncated to the minute; negative counts back from
// midnight): a replay from the file's start then begins at that time of
// day. The counts of the minutes before it move to the end. The copy's
// Start is from's minute, after the fleet's own Start.
func (f *Fleet) Rotate(from time.Duration) *Fleet {
	m := int(from / time.Minute)
	m = ((m % MinutesPerDay) + MinutesPerDay) % MinutesPerDay
	out := &Fleet{Config: f.Config, Source: f.Source, Functions: make([]Function, len(f.Functions)),
		Start: (f.Start + time.Duration(m)*time.Minute) % (24 * time.Hour)}
	for i, fn := range f.Functions {
		fn.PerMinute = append(append([]int(nil), fn.PerMinute[m:]...), fn.PerMinute[:m]...)
		out.Functions[i] = fn
	}
	return out
}

// Total is the fleet's invocations in the day.
func (f *Fleet) Total() int {
	n := 0
	for i := range f.Functions {
		n += f.Functions[i].Total()
	}
	return n
}

// counts draws a day of per-minute counts for p.
func counts(p Profile, r *rand.Rand) []int {
	c := make([]int, MinutesPerDay)
	diurnalRate := func(m int) float64 {
		phase := 2 * math.Pi * (float64(m) + 0.5 - p.PeakHour*60) / MinutesPerDay
		return math.Max(0, p.PerMinute*(1+p.Amplitude*math.Cos(phase)))
	}
	switch p.Shape {
	case Diurnal:
		for m := range c {
			c[m] = poisson(r, diurnalRate(m))
		}
	case Bursty:
		factor := 1.0
		for m := range c {
			if m%10 == 0 {
				// log-normal with mean 1: exp(N(-sigma²/2, sigma²))
				factor = math.Exp(r.NormFloat64()*p.Sigma - p.Sigma*p.Sigma/2)
			}
			c[m] = poisson(r, diurnalRate(m)*factor)
		}
	case Timer:
		for m := p.Offset; m < MinutesPerDay; m += p.Period {
			c[m] = 1
		}
	case Window:
		for m := p.From; m < p.To && m < MinutesPerDay; m++ {
			c[m] = poisson(r, p.PerMinute)
		}
	case Clusters:
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
