package wire

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"
)

// producerRequest is a binary-mode request as the broker benchmark's
// producer sends it.
func producerRequest(payload []byte) *http.Request {
	r, _ := http.NewRequest(http.MethodPost, "http://broker/bench/default", bytes.NewReader(payload))
	r.Header = http.Header{
		"Ce-Specversion": {"1.0"},
		"Ce-Id":          {"12345"},
		"Ce-Type":        {"dev.knsim.bench.order"},
		"Ce-Source":      {"/bench/producer"},
		"Content-Type":   {"application/json"},
		"Ce-Benchsent":   {"1764010000000000000"},
		"User-Agent":     {"Go-http-client/1.1"},
	}
	return r
}

// BenchmarkReadRequest is the ingress's decoding of one binary event.
func BenchmarkReadRequest(b *testing.B) {
	payload := []byte(`{"pad":"` + strings.Repeat("x", 128) + `"}`)
	r := producerRequest(payload)
	b.ReportAllocs()
	for b.Loop() {
		r.Body = io.NopCloser(bytes.NewReader(payload))
		ev, err := ReadRequest(r, 0)
		if err != nil || ev.Validate() != nil {
			b.Fatal(err)
		}
	}
}
