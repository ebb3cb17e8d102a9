package upsoak

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// Phases of a soak, in order.
const (
	PhaseBefore = "before"
	PhaseLoad   = "load"
	PhaseAfter  = "after"
)

// Sample is one reading of the child and of the load so far.
type Sample struct {
	Phase string
	// At is the time since the first sample.
	At time.Duration
	// RSS is the child's resident size in bytes.
	RSS int64
	// Goroutines is the child's goroutine count.
	Goroutines int
	// Pods is the soak Service's pod count (each pod runs a queue-proxy
	// and a user container in the child, with their goroutines).
	Pods int
	// Requests and Events are counted since the load began (cumulative);
	// the Failed counts are the ones without a 2xx answer.
	Requests, RequestsFailed int64
	Events, EventsFailed     int64
}

// ParseVmRSS reads the resident size in bytes from /proc/PID/status text.
func ParseVmRSS(status []byte) (int64, error) {
	sc := bufio.NewScanner(bytes.NewReader(status))
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:")
		if !ok {
			continue
		}
		f := strings.Fields(rest)
		if len(f) != 2 || f[1] != "kB" {
			return 0, fmt.Errorf("VmRSS line %q: want a number of kB", sc.Text())
		}
		kb, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil || kb < 0 {
			return 0, fmt.Errorf("VmRSS line %q: want a number of kB", sc.Text())
		}
		return kb << 10, nil
	}
	return 0, fmt.Errorf("no VmRSS line (process gone?)")
}

// ReadRSS is the resident size of process pid (Linux).
func ReadRSS(pid int) (int64, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, err
	}
	return ParseVmRSS(b)
}

// ParseGoroutineTotal reads the count from the first line of pprof's
// goroutine profile in text form (?debug=1): "goroutine profile: total N".
func ParseGoroutineTotal(profile []byte) (int, error) {
	line, _, _ := bytes.Cut(profile, []byte("\n"))
	rest, ok := bytes.CutPrefix(line, []byte("goroutine profile: total "))
	if !ok {
		return 0, fmt.Errorf("goroutine profile starts %q, want \"goroutine profile: total N\"", line)
	}
	n, err := strconv.Atoi(string(bytes.TrimSpace(rest)))
	if err != nil || n < 1 {
		return 0, fmt.Errorf("goroutine profile: bad total %q", rest)
	}
	return n, nil
}

// WriteTable prints the samples, one line each, sizes in MiB.
func WriteTable(w io.Writer, samples []Sample) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "phase\tt (s)\tRSS (MiB)\tgoroutines\tpods\trequests\tfailed\tevents\tfailed\t")
	for _, s := range samples {
		fmt.Fprintf(tw, "%s\t%.0f\t%.1f\t%d\t%d\t%d\t%d\t%d\t%d\t\n", s.Phase, s.At.Seconds(), mib(s.RSS), s.Goroutines, s.Pods,
			s.Requests, s.RequestsFailed, s.Events, s.EventsFailed)
	}
	return tw.Flush()
}

func mib(b int64) float64 { return float64(b) / (1 << 20) }
