package controlplanebench

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"k8s.io/client-go/rest"
)

// apiserverGet sends GET path to kube-apiserver as cfg's user (an
// administrator's: profiles and metrics are not for every user) and
// returns the body of a 200 answer.
func apiserverGet(ctx context.Context, cfg *rest.Config, path string) (io.ReadCloser, error) {
	hc, err := rest.HTTPClientFor(cfg)
	if err != nil {
		return nil, err
	}
	// rest.Config's Host may end in a slash, and the apiserver answers
	// 404 for a path that starts with two.
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(cfg.Host, "/")+path, nil)
	if err != nil {
		return nil, err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return nil, fmt.Errorf("GET %s: %s", path, resp.Status)
	}
	return resp.Body, nil
}

// profileAPIServer asks kube-apiserver for a CPU profile of its next d
// (whole seconds, at least one) and copies it to w. It blocks for d; run
// it on a goroutine of its own.
func profileAPIServer(ctx context.Context, cfg *rest.Config, d time.Duration, w io.Writer) error {
	body, err := apiserverGet(ctx, cfg, fmt.Sprintf("/debug/pprof/profile?seconds=%d", max(1, int(d/time.Second))))
	if err != nil {
		return err
	}
	defer body.Close()
	_, err = io.Copy(w, body)
	return err
}

// Requests counts kube-apiserver's answers by "VERB resource[/subresource] code".
type Requests map[string]int

// requestCounts reads kube-apiserver's apiserver_request_total counters.
func requestCounts(ctx context.Context, cfg *rest.Config) (Requests, error) {
	body, err := apiserverGet(ctx, cfg, "/metrics")
	if err != nil {
		return nil, err
	}
	defer body.Close()
	return parseRequestCounts(body)
}

// requestMetric is the counter requestCounts reads, in the Prometheus
// text format: name{label="value",...} count.
const requestMetric = "apiserver_request_total{"

// parseRequestCounts sums the requestMetric lines of a Prometheus text
// exposition by verb, resource, subresource and code.
func parseRequestCounts(r io.Reader) (Requests, error) {
	out := Requests{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, requestMetric) {
			continue
		}
		end := strings.LastIndexByte(line, '}')
		if end < 0 {
			return nil, fmt.Errorf("metrics line %q: no closing brace", line)
		}
		n, err := strconv.ParseFloat(strings.TrimSpace(line[end+1:]), 64)
		if err != nil {
			return nil, fmt.Errorf("metrics line %q: %w", line, err)
		}
		labels := map[string]string{}
		for _, kv := range strings.Split(line[len(requestMetric):end], ",") {
			k, v, ok := strings.Cut(kv, "=")
			if ok {
				labels[k] = strings.Trim(v, `"`)
			}
		}
		what := labels["resource"]
		if s := labels["subresource"]; s != "" {
			what += "/" + s
		}
		out[labels["verb"]+" "+what+" "+labels["code"]] += int(n)
	}
	return out, sc.Err()
}

// sub is r minus before, without the zeros.
func (r Requests) sub(before Requests) Requests {
	out := Requests{}
	for k, n := range r {
		if d := n - before[k]; d != 0 {
			out[k] = d
		}
	}
	return out
}

// Top is the n most frequent answers, most frequent first, as "count what".
func (r Requests) Top(n int) []string {
	keys := slices.SortedFunc(maps.Keys(r), func(a, b string) int {
		if r[a] != r[b] {
			return r[b] - r[a]
		}
		return strings.Compare(a, b)
	})
	out := make([]string, 0, min(n, len(keys)))
	for _, k := range keys[:min(n, len(keys))] {
		out = append(out, fmt.Sprintf("%d %s", r[k], k))
	}
	return out
}
