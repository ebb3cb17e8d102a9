package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// point is one trace row; a negative ready means no ready_pods value.
type point struct {
	second      int64
	concurrency float64
	rps         float64
	ready       int
}

// traceCase is one conformance case: a trace and its settings.
type traceCase struct {
	name, about string
	config      map[string]string
	// configManifest writes config as a ConfigMap manifest instead of a
	// flat map.
	configManifest bool
	annotations    map[string]string
	flags          []string
	hasRPS         bool
	hasReady       bool
	points         func() []point
}

// series returns rows for seconds [from, to) with concurrency f(s).
func series(from, to int64, f func(s int64) float64) []point {
	var out []point
	for s := from; s < to; s++ {
		out = append(out, point{second: s, concurrency: f(s), ready: -1})
	}
	return out
}

// round3 keeps three decimals, as a trace file would.
func round3(v float64) float64 { return math.Round(v*1000) / 1000 }

// cases are the conformance cases. Their traces are deterministic (the
// random ones use fixed seeds).
var cases = []traceCase{
	{
		name:  "step-panic",
		about: "step 50 -> 700 concurrency at 40 s, back to 50 at 140 s: panic, its extension and its end a stable window later",
		points: func() []point {
			return series(0, 300, func(s int64) float64 {
				if s >= 40 && s < 140 {
					return 700
				}
				return 50
			})
		},
	},
	{
		name:  "gradual-decline",
		about: "1400 concurrency, then a linear decline to 0 over 240 s; max-scale-down-rate 1.1 and a 20 s stable window make the scale-down rate limit bind",
		config: map[string]string{
			"stable-window":       "20s",
			"max-scale-down-rate": "1.1",
		},
		points: func() []point {
			return series(0, 480, func(s int64) float64 {
				switch {
				case s < 120:
					return 1400
				case s < 360:
					return round3(1400 * float64(360-s) / 240)
				default:
					return 0
				}
			})
		},
	},
	{
		name: "idle-to-zero",
		about: "10 concurrency for 60 s, zeros for 120 s, then no rows: the decider returns 0 once the stable window is idle, " +
			"then no decision at all (no data for a stable window) until --until; the grace period is the reconciler's business",
		config: map[string]string{"scale-to-zero-grace-period": "30s"},
		flags:  []string{"--until=400"},
		points: func() []point {
			return series(0, 180, func(s int64) float64 {
				if s < 60 {
					return 10
				}
				return 0
			})
		},
	},
	{
		name:  "bursty-random",
		about: "600 s of noisy load around 30 with random bursts up to 1200 (seed 42), with a few missing seconds",
		points: func() []point {
			r := rand.New(rand.NewPCG(42, 1))
			var out []point
			burst, left := 0.0, 0
			for s := int64(0); s < 600; s++ {
				if left == 0 && r.Float64() < 0.03 {
					burst, left = 100+r.Float64()*1100, 3+r.IntN(40)
				}
				v := 30 + r.NormFloat64()*8
				if left > 0 {
					v += burst * (0.7 + 0.6*r.Float64())
					left--
				}
				if r.Float64() < 0.02 {
					continue // no stat this second
				}
				out = append(out, point{second: s, concurrency: round3(math.Max(0, v)), ready: -1})
			}
			return out
		},
	},
	{
		name:        "rps-target",
		about:       "metric rps with target 50 (35 rps per pod at 70%): a random walk of requests per second (seed 7)",
		annotations: map[string]string{"autoscaling.knative.dev/metric": "rps", "autoscaling.knative.dev/target": "50"},
		hasRPS:      true,
		points: func() []point {
			r := rand.New(rand.NewPCG(7, 2))
			var out []point
			rps := 20.0
			for s := int64(0); s < 400; s++ {
				rps = math.Max(0, rps+r.NormFloat64()*15)
				if s == 150 {
					rps += 600
				}
				if s == 250 {
					rps = 10
				}
				out = append(out, point{second: s, concurrency: round3(rps * 0.05), rps: math.Round(rps), ready: -1})
			}
			return out
		},
	},
	{
		name:  "weighted-exponential",
		about: "weighted-exponential averaging over a 30 s window (--window flag): ramp up, a gap of missing seconds, ramp down",
		annotations: map[string]string{
			"autoscaling.knative.dev/metric-aggregation-algorithm": "weighted-exponential",
		},
		flags: []string{"--window=30s"},
		points: func() []point {
			var out []point
			for _, p := range series(0, 240, func(s int64) float64 {
				switch {
				case s < 100:
					return round3(float64(s) * 7.5)
				default:
					return round3(math.Max(0, 750-float64(s-100)*6.25))
				}
			}) {
				if p.second >= 110 && p.second < 118 {
					continue
				}
				out = append(out, p)
			}
			return out
		},
	},
	{
		name:  "activation-scale",
		about: "activation-scale 3 (as an --annotation flag): low traffic after idle scales to 3 pods at once, and back to 0 when idle",
		flags: []string{"--annotation=activation-scale=3"},
		points: func() []point {
			return series(0, 330, func(s int64) float64 {
				switch {
				case s < 20:
					return 0
				case s < 80:
					return 5
				case s < 260:
					return 0
				case s < 290:
					return 1
				default:
					return 0
				}
			})
		},
	},
	{
		name: "scale-down-delay",
		about: "scale-down-delay 30s with a 20 s window on absolute (odd) Unix seconds: a drop from 300 to 20 and a short dip; " +
			"the delay window's 2 s slots count from the epoch",
		annotations: map[string]string{
			"autoscaling.knative.dev/scale-down-delay": "30s",
			"autoscaling.knative.dev/window":           "20s",
		},
		points: func() []point {
			const t0 = 1700000001
			return series(t0, t0+300, func(s int64) float64 {
				switch d := s - t0; {
				case d < 100:
					return 300
				case d < 180:
					return 20
				case d < 200:
					return 150
				case d < 203:
					return 0
				default:
					return 150
				}
			})
		},
	},
	{
		name:  "max-scale-up-rate",
		about: "max-scale-up-rate 1.5 (as a flag): a step from 10 to 2000 grows the scale by at most ceil(1.5 * ready) a tick",
		flags: []string{"--max-scale-up-rate=1.5"},
		points: func() []point {
			return series(0, 200, func(s int64) float64 {
				if s >= 20 && s < 150 {
					return 2000
				}
				return 10
			})
		},
	},
	{
		name: "tbc-minus-1",
		about: "target-burst-capacity -1: ebc is always -1 and the pods are not scraped, so a gap longer than the stable window " +
			"reads as zeros instead of no data",
		annotations: map[string]string{"autoscaling.knative.dev/target-burst-capacity": "-1"},
		flags:       []string{"--until=400"},
		points: func() []point {
			var out []point
			out = append(out, series(0, 90, func(int64) float64 { return 120 })...)
			return append(out, series(200, 260, func(int64) float64 { return 40 })...)
		},
	},
	{
		name:        "tbc-0",
		about:       "target-burst-capacity 0: ebc is always 0; bursty load (seed 3)",
		annotations: map[string]string{"autoscaling.knative.dev/target-burst-capacity": "0"},
		points: func() []point {
			r := rand.New(rand.NewPCG(3, 3))
			return series(0, 300, func(s int64) float64 {
				if s%60 < 15 {
					return round3(400 + r.Float64()*200)
				}
				return round3(r.Float64() * 40)
			})
		},
	},
	{
		name: "tbc-211-cc10",
		about: "target-burst-capacity 211 (in a ConfigMap manifest) with containerConcurrency 10: " +
			"ebc = floor(ready*10 - 211 - panic) turns positive once enough pods are ready",
		config:         map[string]string{"target-burst-capacity": "211", "container-concurrency-target-percentage": "80"},
		configManifest: true,
		flags:          []string{"--container-concurrency=10"},
		points: func() []point {
			return series(0, 240, func(s int64) float64 {
				switch {
				case s < 30:
					return 5
				case s < 150:
					return 120
				default:
					return 30
				}
			})
		},
	},
	{
		name: "ready-pods",
		about: "a ready_pods column: 5 pods ready at the start (the decider starts in panic mode), " +
			"pods becoming ready late during a ramp, then a drop",
		hasReady: true,
		points: func() []point {
			var out []point
			ready := 5
			for s := int64(0); s < 300; s++ {
				var c float64
				switch {
				case s < 60:
					c = 100
				case s < 160:
					c = round3(100 + float64(s-60)*9.3)
				default:
					c = 60
				}
				if s%10 == 0 {
					want := int(math.Ceil(c / 70))
					if s >= 20 && want > ready {
						ready += (want - ready + 1) / 2
					}
					if s >= 200 && want < ready {
						ready--
					}
				}
				out = append(out, point{second: s, concurrency: c, ready: ready})
			}
			return out
		},
	},
	{
		name:   "initial-scale",
		about:  "initial-scale 3: the decider starts with 3 ready pods, in panic mode, and holds them for a stable window under low load",
		config: map[string]string{"initial-scale": "3"},
		points: func() []point {
			return series(0, 200, func(s int64) float64 { return 20 })
		},
	},
	{
		name: "unreachable",
		// Knative applies no scale-down-delay to an unreachable revision
		// since v0.45; the reference built here (v0.42.2) still does, so
		// this case leaves the delay out (kpa's tests cover it).
		about: "a revision no Route targets (--reachable=false): no scale-down floor",
		flags: []string{"--reachable=false"},
		points: func() []point {
			return series(0, 200, func(s int64) float64 {
				if s < 80 {
					return 500
				}
				return 10
			})
		},
	},
	{
		name: "panic-settings",
		about: "stable-window 31s (odd), panic-window-percentage 20, panic-threshold-percentage 150 and initial-scale 2: " +
			"a decider created in panic mode whose panic ends an odd number of seconds later",
		config: map[string]string{
			"stable-window":              "31s",
			"panic-window-percentage":    "20",
			"panic-threshold-percentage": "150",
			"initial-scale":              "2",
		},
		points: func() []point {
			return series(0, 240, func(s int64) float64 {
				switch {
				case s < 50:
					return 30
				case s < 70:
					return 260
				case s < 75:
					return 0
				default:
					return 90
				}
			})
		},
	},
	{
		name: "annotations",
		about: "per-revision annotations: target 20 capped by containerConcurrency 8, target-utilization-percentage 50, " +
			"panic-window-percentage 25, panic-threshold-percentage 300, window 40s",
		annotations: map[string]string{
			"autoscaling.knative.dev/target":                        "20",
			"autoscaling.knative.dev/target-utilization-percentage": "50",
			"autoscaling.knative.dev/panic-window-percentage":       "25",
			"autoscaling.knative.dev/panic-threshold-percentage":    "300",
			"autoscaling.knative.dev/window":                        "40s",
		},
		flags: []string{"--container-concurrency=8"},
		points: func() []point {
			r := rand.New(rand.NewPCG(11, 4))
			return series(0, 360, func(s int64) float64 {
				switch {
				case s < 60:
					return round3(3 + r.Float64()*2)
				case s < 100:
					return round3(30 + float64(s-60)*2)
				case s < 220:
					return round3(110 + r.NormFloat64()*10)
				default:
					return round3(math.Max(0, 20+r.NormFloat64()*5))
				}
			})
		},
	},
	{
		name: "zero-initial-scale",
		about: "allow-zero-initial-scale with initial-scale 0 and weighted-exponential averaging: the pods start at 0, " +
			"the first traffic after 50 idle seconds scales up, an hour-long silence follows",
		config:      map[string]string{"allow-zero-initial-scale": "true", "initial-scale": "0"},
		annotations: map[string]string{"autoscaling.knative.dev/metric-aggregation-algorithm": "weighted-exponential"},
		flags:       []string{"--until=240"},
		points: func() []point {
			var out []point
			out = append(out, point{second: 0, concurrency: 0, ready: -1})
			return append(out, series(50, 120, func(s int64) float64 { return round3(12.5 + float64(s%7)) })...)
		},
	},
	{
		name: "long-window",
		about: "a 1 h stable window with a 100% panic window: tiny and huge values, gaps shorter and longer than a minute, " +
			"partial windows and stale newest data",
		config: map[string]string{"stable-window": "1h", "panic-window-percentage": "100"},
		flags:  []string{"--until=900"},
		points: func() []point {
			out := []point{
				{second: 0, concurrency: 300, ready: -1},
				{second: 1, concurrency: 0.0000001, ready: -1},
				{second: 2, concurrency: 123456.789, ready: -1},
			}
			out = append(out, series(30, 90, func(s int64) float64 { return round3(float64(s) / 3) })...)
			return append(out, series(400, 420, func(int64) float64 { return 7 })...)
		},
	},
}

// genTraces writes every case's directory under root.
func genTraces(root string) error {
	for _, c := range cases {
		dir := filepath.Join(root, c.name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		var b strings.Builder
		fmt.Fprintf(&b, "# %s: %s\n", c.name, c.about)
		b.WriteString("second,concurrency")
		if c.hasRPS {
			b.WriteString(",rps")
		}
		if c.hasReady {
			b.WriteString(",ready_pods")
		}
		b.WriteString("\n")
		for _, p := range c.points() {
			fmt.Fprintf(&b, "%d,%s", p.second, strconv.FormatFloat(p.concurrency, 'f', -1, 64))
			if c.hasRPS {
				fmt.Fprintf(&b, ",%s", strconv.FormatFloat(p.rps, 'f', -1, 64))
			}
			if c.hasReady {
				fmt.Fprintf(&b, ",%d", p.ready)
			}
			b.WriteString("\n")
		}
		files := map[string]string{caseTrace: b.String()}
		if len(c.config) > 0 {
			if c.configManifest {
				files[caseConfig] = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: config-autoscaler\n  namespace: knative-serving\ndata:\n" +
					yamlMap(c.config, "  ")
			} else {
				files[caseConfig] = yamlMap(c.config, "")
			}
		}
		if len(c.annotations) > 0 {
			files[caseAnnotations] = yamlMap(c.annotations, "")
		}
		if len(c.flags) > 0 {
			files[caseFlags] = strings.Join(c.flags, "\n") + "\n"
		}
		for _, name := range []string{caseTrace, caseConfig, caseAnnotations, caseFlags} {
			p := filepath.Join(dir, name)
			content, ok := files[name]
			if !ok {
				if err := os.Remove(p); err != nil && !os.IsNotExist(err) {
					return err
				}
				continue
			}
			if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
				return err
			}
		}
	}
	return nil
}

// yamlMap writes a flat map of quoted strings, sorted by key.
func yamlMap(m map[string]string, indent string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "%s%s: %q\n", indent, k, m[k])
	}
	return b.String()
}
