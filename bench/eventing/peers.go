package eventingbench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/valyala/fasthttp"
)

// Peers names the HTTP stack of the load generator and the subscriber, the
// two ends the broker is measured between. They share the machine's two
// cores with the broker, so the cheaper they are the more of the run
// measures the broker.
type Peers string

// The peer stacks.
const (
	// FastHTTP runs the producer as a fasthttp.HostClient and the
	// subscriber as a fasthttp.Server, as fasthttp-based load generators
	// and sinks do (the default).
	FastHTTP Peers = "fasthttp"
	// NetHTTP runs both on net/http, as knsim's broker ingress is.
	NetHTTP Peers = "net/http"
)

// producer sends the bench's events to the ingress.
type producer interface {
	// send posts one binary-mode CloudEvent 1.0 with id, the send time t0
	// and payload, and returns the status.
	send(ctx context.Context, id string, t0 time.Time, payload []byte) (int, error)
}

// sink is a running subscriber.
type sink struct {
	url  string
	stop func()
}

// startSubscriber serves sub with the peers' stack on a loopback port.
func startSubscriber(sub *subscriber, peers Peers, h2c bool) (sink, error) {
	if peers == NetHTTP {
		srv := newServer(sub, h2c)
		return sink{url: srv.URL, stop: srv.Close}, nil
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return sink{}, err
	}
	srv := &fasthttp.Server{Handler: sub.serveFast, Name: "knsim-bench-subscriber"}
	go func() { _ = srv.Serve(ln) }()
	return sink{url: "http://" + ln.Addr().String(), stop: func() { _ = srv.Shutdown() }}, nil
}

// newProducer returns a producer for target with conns connections.
func newProducer(peers Peers, target string, conns int, h2c bool) (producer, error) {
	if peers == NetHTTP {
		return netProducer{hc: &http.Client{Transport: transport(conns, h2c)}, target: target}, nil
	}
	u, err := url.Parse(target)
	if err != nil {
		return nil, err
	}
	return fastProducer{c: &fasthttp.HostClient{Addr: u.Host, MaxConns: conns}, target: target}, nil
}

// checkPeers validates a Config's peers, defaulting them.
func checkPeers(p Peers, h2c bool) (Peers, error) {
	switch {
	case p == "" && h2c:
		return NetHTTP, nil
	case p == "":
		return FastHTTP, nil
	case p == FastHTTP && h2c:
		return "", fmt.Errorf("fasthttp peers speak HTTP/1.1 only; use net/http peers with h2c")
	case p == FastHTTP || p == NetHTTP:
		return p, nil
	}
	return "", fmt.Errorf("peers %q: want %q or %q", p, FastHTTP, NetHTTP)
}

// The event's binary-mode headers, the same for both producers.
const (
	eventType   = "dev.knsim.bench.order"
	eventSource = "/bench/producer"
)

type netProducer struct {
	hc     *http.Client
	target string
}

func (p netProducer) send(ctx context.Context, id string, t0 time.Time, payload []byte) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.target, bytes.NewReader(payload))
	if err != nil {
		return 0, err
	}
	h := req.Header
	h["Ce-Specversion"] = []string{"1.0"}
	h["Ce-Id"] = []string{id}
	h["Ce-Type"] = []string{eventType}
	h["Ce-Source"] = []string{eventSource}
	h["Content-Type"] = []string{"application/json"}
	h["Ce-"+sentExtension] = []string{strconv.FormatInt(t0.UnixNano(), 10)}
	resp, err := p.hc.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, resp.Body.Close()
}

type fastProducer struct {
	c      *fasthttp.HostClient
	target string
}

func (p fastProducer) send(_ context.Context, id string, t0 time.Time, payload []byte) (int, error) {
	req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(resp)
	req.SetRequestURI(p.target)
	req.Header.SetMethod(fasthttp.MethodPost)
	req.Header.Set("Ce-Specversion", "1.0")
	req.Header.Set("Ce-Id", id)
	req.Header.Set("Ce-Type", eventType)
	req.Header.Set("Ce-Source", eventSource)
	req.Header.SetContentType("application/json")
	req.Header.Set("Ce-"+sentExtension, strconv.FormatInt(t0.UnixNano(), 10))
	req.SetBodyRaw(payload)
	if err := p.c.Do(req, resp); err != nil {
		return 0, err
	}
	return resp.StatusCode(), nil
}

// serveFast is ServeHTTP for the fasthttp subscriber.
func (s *subscriber) serveFast(ctx *fasthttp.RequestCtx) {
	if sent, err := strconv.ParseInt(string(ctx.Request.Header.Peek("Ce-"+sentExtension)), 10, 64); err == nil {
		s.record(sent)
	}
	ctx.SetStatusCode(fasthttp.StatusAccepted)
}
