// Command simpyratio runs the same M/M/1 model in SimPy 3 and on knsim's
// engine with the same customer count and prints both speeds and their
// ratio. It installs Debian's python3-simpy3 first if /usr/bin/python3
// cannot import simpy (Debian's Python is used because that package installs
// for it and PyPI is not assumed reachable).
//
// Usage: go run ./bench/engine/cmd/simpyratio [-n 200000] [-min-ratio 30]
//
// It exits non-zero if the ratio is below -min-ratio.
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	enginebench "github.com/knsim/knsim/bench/engine"
)

func main() {
	n := flag.Int("n", 200_000, "customers per run")
	seed := flag.Uint64("seed", 1, "random seed for both models")
	lambda := flag.Float64("lambda", 0.8, "arrival rate (per second)")
	mu := flag.Float64("mu", 1.0, "service rate (per second)")
	reps := flag.Int("reps", 5, "Go runs; the median speed is reported (one run takes milliseconds, so it is noisy)")
	python := flag.String("python", "/usr/bin/python3", "Python interpreter with SimPy 3")
	minRatio := flag.Float64("min-ratio", 30, "fail if Go/SimPy speed is below this")
	flag.Parse()
	if err := run(*n, *seed, *lambda, *mu, *reps, *python, *minRatio); err != nil {
		fmt.Fprintln(os.Stderr, "simpyratio:", err)
		os.Exit(1)
	}
}

func run(n int, seed uint64, lambda, mu float64, reps int, python string, minRatio float64) error {
	if reps < 1 {
		return fmt.Errorf("-reps must be >= 1")
	}
	if err := ensureSimPy(python); err != nil {
		return err
	}
	py, err := runSimPy(python, n, seed, lambda, mu)
	if err != nil {
		return err
	}

	var speeds []float64
	var last enginebench.MM1Result
	for range reps {
		if last, err = enginebench.RunMM1(seed, n, lambda, mu); err != nil {
			return err
		}
		speeds = append(speeds, last.CustomersPerSecond())
	}
	slices.Sort(speeds)
	goSpeed := speeds[len(speeds)/2]

	ratio := goSpeed / py["customers_per_s"]
	fmt.Printf("M/M/1, lambda=%g mu=%g, %d customers\n", lambda, mu, n)
	fmt.Printf("  SimPy 3      : %12.0f customers/s  (mean sojourn %.4f s)\n", py["customers_per_s"], py["mean_sojourn"])
	fmt.Printf("  sim/engine   : %12.0f customers/s  (mean sojourn %.4f s, median of %d runs)\n", goSpeed, last.MeanSojourn, reps)
	fmt.Printf("  theory       :                             (mean sojourn %.4f s)\n", 1/(mu-lambda))
	fmt.Printf("  ratio        : %.1fx (goal >= %gx)\n", ratio, minRatio)
	if ratio < minRatio {
		return fmt.Errorf("ratio %.1fx below goal %gx", ratio, minRatio)
	}
	return nil
}

// ensureSimPy installs python3-simpy3 with apt-get if python cannot import
// simpy, refreshing the package lists only if the first attempt fails.
// Recommends are skipped so the package's documentation is not pulled in.
func ensureSimPy(python string) error {
	if exec.Command(python, "-c", "import simpy").Run() == nil {
		return nil
	}
	fmt.Fprintln(os.Stderr, "simpy not importable; installing python3-simpy3 with apt-get")
	install := func() error {
		return sh("apt-get", "install", "-y", "--no-install-recommends", "python3-simpy3")
	}
	if err := install(); err != nil {
		if err := sh("apt-get", "update"); err != nil {
			return fmt.Errorf("apt-get update: %w", err)
		}
		if err := install(); err != nil {
			return fmt.Errorf("apt-get install python3-simpy3: %w", err)
		}
	}
	if out, err := exec.Command(python, "-c", "import simpy").CombinedOutput(); err != nil {
		return fmt.Errorf("%s still cannot import simpy: %v\n%s", python, err, out)
	}
	return nil
}

func sh(name string, args ...string) error {
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	return cmd.Run()
}

// runSimPy runs the embedded SimPy model and parses its key=value output.
func runSimPy(python string, n int, seed uint64, lambda, mu float64) (map[string]float64, error) {
	dir, err := os.MkdirTemp("", "simpyratio")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	script := filepath.Join(dir, "mm1_simpy.py")
	if err := os.WriteFile(script, []byte(enginebench.SimPyScript), 0o644); err != nil {
		return nil, err
	}
	var stdout bytes.Buffer
	cmd := exec.Command(python, script, strconv.Itoa(n),
		"--seed", strconv.FormatUint(seed, 10),
		"--lambda", strconv.FormatFloat(lambda, 'g', -1, 64),
		"--mu", strconv.FormatFloat(mu, 'g', -1, 64))
	cmd.Stdout, cmd.Stderr = &stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("SimPy model: %w", err)
	}
	vals := map[string]float64{}
	sc := bufio.NewScanner(&stdout)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), "=")
		if !ok {
			continue
		}
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return nil, fmt.Errorf("SimPy output %q: %w", sc.Text(), err)
		}
		vals[k] = f
	}
	for _, k := range []string{"customers_per_s", "mean_sojourn"} {
		if _, ok := vals[k]; !ok {
			return nil, fmt.Errorf("SimPy output lacks %s:\n%s", k, stdout.String())
		}
	}
	return vals, nil
}
