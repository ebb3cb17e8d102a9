package dataplanebench

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/rakyll/hey/requester"
)

// reportTemplate makes hey print its whole report as JSON, latencies at
// full precision (its own formats round to 0.1 ms).
const reportTemplate = "{{ jsonify . }}"

// sample is one hey run against one path.
type sample struct {
	lats     []float64 // seconds, successful requests
	codes    []int
	errors   int
	requests int
	elapsed  time.Duration
	cpu      time.Duration // process CPU, hey included
}

// load sends opts.RPS requests a second to t for d: opts.Concurrency hey
// workers, each closed-loop and paced at RPS/C a second. With Burst they
// are one hey Work, as the hey command runs them: their tickers start
// together, so requests arrive in bursts of C. Otherwise each worker is its
// own one-worker Work started 1/RPS after the previous one, so arrivals
// are spread evenly, as vegeta's constant rate in Knative's
// dataplane-probe.
func load(t target, opts Options, d time.Duration) (sample, error) {
	c := opts.Concurrency
	perWorker := max(1, int(float64(opts.RPS)*d.Seconds())/c)
	qps := float64(opts.RPS) / float64(c)
	cpu0 := cpuTime()
	var s sample
	var err error
	if opts.Burst {
		s, err = run(t, &requester.Work{N: perWorker * c, C: c, QPS: qps})
	} else {
		s, err = spread(t, opts, perWorker, qps)
	}
	s.cpu = cpuTime() - cpu0
	return s, err
}

// spread runs opts.Concurrency one-worker Works, each started 1/RPS after
// the previous one.
func spread(t target, opts Options, perWorker int, qps float64) (sample, error) {
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		total   sample
		errs    []error
		spacing = time.Second / time.Duration(opts.RPS)
	)
	start := time.Now()
	for i := range opts.Concurrency {
		wg.Go(func() {
			time.Sleep(time.Until(start.Add(time.Duration(i) * spacing)))
			s, err := run(t, &requester.Work{N: perWorker, C: 1, QPS: qps})
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
				return
			}
			total.merge(s)
		})
	}
	wg.Wait()
	total.elapsed = time.Since(start)
	return total, errors.Join(errs...)
}

// run runs one hey Work against t and reads its report.
func run(t target, w *requester.Work) (sample, error) {
	req, err := http.NewRequest(http.MethodGet, t.url+"/", nil)
	if err != nil {
		return sample{}, err
	}
	req.Host = t.host
	var out bytes.Buffer
	w.Request, w.Timeout, w.DisableCompression, w.Output, w.Writer = req, 30, true, reportTemplate, &out
	w.Run()
	var rep requester.Report
	if err := json.Unmarshal(bytes.TrimSpace(out.Bytes()), &rep); err != nil {
		return sample{}, fmt.Errorf("reading hey's report (no successful requests?): %w", err)
	}
	if len(rep.Lats) == 0 {
		return sample{}, errors.New("no successful requests")
	}
	s := sample{lats: rep.Lats, codes: rep.StatusCodes, requests: int(rep.NumRes), elapsed: rep.Total}
	for _, k := range rep.ErrorDist {
		s.errors += k
	}
	return s, nil
}

// merge adds a concurrent worker's sample; elapsed is the caller's.
func (s *sample) merge(o sample) {
	s.lats = append(s.lats, o.lats...)
	s.codes = append(s.codes, o.codes...)
	s.errors += o.errors
	s.requests += o.requests
}
