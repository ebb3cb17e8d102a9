package upsoak

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// tally counts sends and failures.
type tally struct{ sent, failed atomic.Int64 }

// paced runs workers that each send once per tick of a shared ticker at
// rate a second, until ctx ends: an open-ish loop that cannot exceed the
// rate, and slows down (ticks are dropped) when the target is slow.
func paced(ctx context.Context, rate, workers int, send func(context.Context, int64) bool, t *tally) {
	tick := time.NewTicker(time.Second / time.Duration(rate))
	defer tick.Stop()
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				select {
				case <-ctx.Done():
					return
				case <-tick.C:
					n := t.sent.Add(1)
					if !send(ctx, n) && ctx.Err() == nil {
						t.failed.Add(1)
					}
				}
			}
		})
	}
	wg.Wait()
}

// getter sends GET url with the Host header host; 200 counts.
func getter(c *http.Client, url, host string) func(context.Context, int64) bool {
	return func(ctx context.Context, _ int64) bool {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return false
		}
		req.Host = host
		return do(c, req, http.StatusOK)
	}
}

// eventPoster posts binary-mode CloudEvents to url; 202 counts.
func eventPoster(c *http.Client, url string) func(context.Context, int64) bool {
	return func(ctx context.Context, n int64) bool {
		id := strconv.FormatInt(n, 10)
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader([]byte(`{"n":`+id+`}`)))
		if err != nil {
			return false
		}
		req.Header.Set("Ce-Specversion", "1.0")
		req.Header.Set("Ce-Id", "soak-"+id)
		req.Header.Set("Ce-Source", "knsim/upsoak")
		req.Header.Set("Ce-Type", "dev.knsim.soak")
		req.Header.Set("Content-Type", "application/json")
		return do(c, req, http.StatusAccepted)
	}
}

func do(c *http.Client, req *http.Request, want int) bool {
	resp, err := c.Do(req)
	if err != nil {
		return false
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode == want
}
