package servingshell_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/knsim/knsim/system/container"
	"github.com/knsim/knsim/system/httpserve"
	"github.com/knsim/knsim/system/ingress"
	"github.com/knsim/knsim/system/shell/servingshell"
)

// post sends a body of n bytes to the gateway with the Host header. It
// waits for 100 Continue before sending the body, as curl does with large
// bodies, so that an early answer is read rather than cut off by the
// server closing a connection it does not read.
func post(ctx context.Context, addr, host string, n int) (int, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+addr+"/", bytes.NewReader(bytes.Repeat([]byte("x"), n)))
	if err != nil {
		return 0, "", err
	}
	req.Host = host
	req.Header.Set("Expect", "100-continue")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

var _ = Describe("Shell limits", func() {
	var p *servingshell.Shell
	start := func(ctx context.Context, cfg servingshell.Config) {
		var err error
		p, err = servingshell.New(cfg)
		Expect(err).NotTo(HaveOccurred())
		Expect(p.Start(ctx)).To(Succeed())
		DeferCleanup(p.Close)
	}

	// Finding 8: bodies of 8 MB and more used to get 502 with the
	// loopback addresses of the hops in the error text.
	for _, proxy := range []bool{false, true} {
		It(fmt.Sprintf("serves bodies up to the gateway's limit and answers 413 above it (proxy mode %v)", proxy), func(ctx SpecContext) {
			start(ctx, servingshell.Config{Seed: 1})
			Expect(p.Sync(ctx, snapshot(proxy, time.Minute, "hello-1-a"))).To(Succeed())
			for _, n := range []int{6_000_000, 8_000_000, int(ingress.DefaultMaxBodyBytes)} {
				code, body, err := post(ctx, p.Addr(), helloHost, n)
				Expect(err).NotTo(HaveOccurred())
				Expect(code).To(Equal(http.StatusOK), "%d bytes: %s", n, body)
			}
			code, body, err := post(ctx, p.Addr(), helloHost, int(ingress.DefaultMaxBodyBytes)+1)
			Expect(err).NotTo(HaveOccurred())
			Expect(code).To(Equal(http.StatusRequestEntityTooLarge))
			Expect(body).To(ContainSubstring("request body is 10485761 bytes; the gateway takes at most 10485760"))
			Expect(body).NotTo(ContainSubstring("127.0.0.1"))
		}, SpecTimeout(30*time.Second))
	}

	It("answers 413 to a chunked body that grows past the limit", func(ctx SpecContext) {
		const limit = 1 << 20
		start(ctx, servingshell.Config{Seed: 1, MaxRequestBodyBytes: limit})
		Expect(p.Sync(ctx, snapshot(true, time.Minute, "hello-1-a"))).To(Succeed())
		c, err := net.Dial("tcp", p.Addr())
		Expect(err).NotTo(HaveOccurred())
		defer c.Close()
		Expect(c.SetDeadline(time.Now().Add(5 * time.Second))).To(Succeed())
		go func() {
			// One chunk a byte over the limit, then the end of the body.
			_, _ = fmt.Fprintf(c, "POST / HTTP/1.1\r\nHost: %s\r\nTransfer-Encoding: chunked\r\n\r\n%x\r\n%s\r\n0\r\n\r\n",
				helloHost, limit+1, bytes.Repeat([]byte("x"), limit+1))
		}()
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		Expect(err).NotTo(HaveOccurred())
		b, _ := io.ReadAll(resp.Body)
		Expect(resp.StatusCode).To(Equal(http.StatusRequestEntityTooLarge), string(b))
		Expect(string(b)).To(ContainSubstring("request body is larger than 1048576 bytes"))
		Expect(string(b)).NotTo(ContainSubstring("127.0.0.1"))
	}, SpecTimeout(30*time.Second))

	It("answers 502 without internal addresses when a pod is gone", func(ctx SpecContext) {
		start(ctx, servingshell.Config{Seed: 1})
		Expect(p.Sync(ctx, snapshot(false, time.Minute, "hello-1-a"))).To(Succeed())
		Expect(p.BreakPodsForTest()).To(Succeed())
		code, body, err := get(ctx, p.Addr(), helloHost)
		Expect(err).NotTo(HaveOccurred())
		Expect(code).To(Equal(http.StatusBadGateway))
		Expect(body).To(ContainSubstring("revision default/hello-1 did not answer"))
		Expect(body).NotTo(ContainSubstring("127.0.0.1"))
	}, SpecTimeout(30*time.Second))

	// Finding 7 on the gateway: a body announced and not sent gets 408 at
	// the body timeout, through the activator as well as to a pod.
	for _, proxy := range []bool{false, true} {
		It(fmt.Sprintf("cuts a stalled body with 408 (proxy mode %v)", proxy), func(ctx SpecContext) {
			start(ctx, servingshell.Config{Seed: 1, Listen: httpserve.Limits{BodyReadTimeout: 200 * time.Millisecond}})
			Expect(p.Sync(ctx, snapshot(proxy, time.Minute, "hello-1-a"))).To(Succeed())
			c, err := net.Dial("tcp", p.Addr())
			Expect(err).NotTo(HaveOccurred())
			defer c.Close()
			Expect(c.SetDeadline(time.Now().Add(5 * time.Second))).To(Succeed())
			_, err = io.WriteString(c, "POST / HTTP/1.1\r\nHost: "+helloHost+"\r\nContent-Length: 100\r\n\r\n0123456789")
			Expect(err).NotTo(HaveOccurred())
			resp, err := http.ReadResponse(bufio.NewReader(c), nil)
			Expect(err).NotTo(HaveOccurred())
			b, _ := io.ReadAll(resp.Body)
			Expect(resp.StatusCode).To(Equal(http.StatusRequestTimeout), string(b))
			Expect(string(b)).To(ContainSubstring("request body not received within 200ms"))
		}, SpecTimeout(30*time.Second))
	}

	It("does not cut a request whose answer takes longer than the body timeout", func(ctx SpecContext) {
		start(ctx, servingshell.Config{Seed: 1, Listen: httpserve.Limits{BodyReadTimeout: 100 * time.Millisecond},
			DefaultWorkload: container.Workload{ServiceTime: constant(500 * time.Millisecond)}})
		Expect(p.Sync(ctx, snapshot(true, time.Minute, "hello-1-a"))).To(Succeed())
		code, body, err := post(ctx, p.Addr(), helloHost, 1000)
		Expect(err).NotTo(HaveOccurred())
		Expect(code).To(Equal(http.StatusOK), body)
	}, SpecTimeout(30*time.Second))

	It("refuses invalid limits", func() {
		_, err := servingshell.New(servingshell.Config{MaxRequestBodyBytes: -1})
		Expect(err).To(HaveOccurred())
		_, err = servingshell.New(servingshell.Config{Listen: httpserve.Limits{ReadHeaderTimeout: -1}})
		Expect(err).To(HaveOccurred())
	})
})
