package delivery

import (
	"bufio"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// readH1Response must read what net/http's ReadResponse reads: status,
// the headers the dispatcher uses, body and whether the connection can be
// reused, and leave the reader at the next response.
func TestReadH1ResponseMatchesNetHTTP(t *testing.T) {
	const next = "HTTP/1.1 204 No Content\r\n\r\n"
	tests := []struct {
		name string
		raw  string
		// stricter: readH1Response refuses what net/http takes.
		stricter bool
	}{
		{name: "empty 202", raw: "HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\nDate: x\r\n\r\n"},
		{name: "no reason", raw: "HTTP/1.1 202\r\nContent-Length: 0\r\n\r\n"},
		{name: "body", raw: "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\nhello"},
		{name: "event reply", raw: "HTTP/1.1 200 OK\r\nce-specversion: 1.0\r\nCE-ID: r\r\nCe-Source: /s\r\nce-type:  t \r\nCe-Myext: a\r\nce-myext: b\r\nContent-Length: 2\r\n\r\n{}"},
		{name: "retry after", raw: "HTTP/1.1 503 Unavailable\r\nRetry-After: 7\r\nContent-Length: 4\r\n\r\nbusy"},
		{name: "chunked", raw: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n1;ext=1\r\n!\r\n0\r\n\r\n"},
		{name: "chunked with trailers", raw: "HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked\r\n\r\n2\r\nhi\r\n0\r\nX-Sum: 1\r\nX-Other: 2\r\n\r\n"},
		{name: "chunked and length", raw: "HTTP/1.1 200 OK\r\nContent-Length: 9\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n"},
		{name: "connection close", raw: "HTTP/1.1 200 OK\r\nConnection: keep-alive, close\r\nContent-Length: 1\r\n\r\nx"},
		{name: "http 1.0", raw: "HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\nx"},
		{name: "http 1.0 keep-alive", raw: "HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 1\r\n\r\nx"},
		{name: "until close", raw: "HTTP/1.1 500 Oops\r\n\r\nbroken"},
		{name: "204 ignores length", raw: "HTTP/1.1 204 No Content\r\n\r\n"},
		{name: "304", raw: "HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n"},
		{name: "interim", raw: "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: x\r\n\r\nHTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n"},
		{name: "bare newlines", raw: "HTTP/1.1 202 Accepted\nContent-Length: 2\n\nok"},
		{name: "same length twice", raw: "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok"},
		{name: "long header", raw: "HTTP/1.1 200 OK\r\nCe-Big: " + strings.Repeat("y", 9000) + "\r\nContent-Length: 0\r\n\r\n"},
		{name: "different lengths", raw: "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok!"},
		{name: "bad length", raw: "HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n"},
		{name: "negative length", raw: "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n"},
		{name: "gzip encoding", raw: "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n"},
		{name: "not http", raw: "SMTP 220 ready\r\n\r\n"},
		{name: "bad status", raw: "HTTP/1.1 2x0 OK\r\n\r\n"},
		{name: "truncated head", raw: "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n"},
		{name: "truncated body", raw: "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhel"},
		{name: "empty", raw: ""},
		{name: "space before colon", raw: "HTTP/1.1 200 OK\r\nContent-Length : 0\r\n\r\n", stricter: true},
		{name: "folded header", raw: "HTTP/1.1 200 OK\r\nCe-A: x\r\n y\r\nContent-Length: 0\r\n\r\n", stricter: true},
		{name: "http 2 status line", raw: "HTTP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n", stricter: true},
		{name: "status below 100", raw: "HTTP/1.1 099 Odd\r\nContent-Length: 0\r\n\r\n", stricter: true},
	}
	type outcome struct {
		Status  int
		Header  http.Header
		Body    string
		Reuse   bool
		BodyErr bool
		Next    string
	}
	read := func(resp *http.Response, br *bufio.Reader, reusable func() bool) outcome {
		b, err := io.ReadAll(resp.Body)
		o := outcome{Status: resp.StatusCode, Body: string(b), BodyErr: err != nil}
		for k, v := range resp.Header {
			if k == "Content-Type" || k == "Retry-After" || strings.HasPrefix(k, "Ce-") {
				if o.Header == nil {
					o.Header = http.Header{}
				}
				o.Header[k] = v
			}
		}
		if err == nil {
			o.Reuse = reusable()
			if o.Reuse {
				rest, _ := io.ReadAll(br)
				o.Next = string(rest)
			}
		}
		return o
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wbr := bufio.NewReader(strings.NewReader(tc.raw + next))
			var want outcome
			var wantErr error
			for {
				resp, err := http.ReadResponse(wbr, nil)
				if err != nil {
					wantErr = err
					break
				}
				if resp.StatusCode >= 200 {
					want = read(resp, wbr, func() bool { return !resp.Close })
					break
				}
			}
			gbr := bufio.NewReaderSize(strings.NewReader(tc.raw+next), 4096)
			resp := new(http.Response)
			gotErr := readH1Response(gbr, resp)
			if tc.stricter {
				if wantErr != nil || gotErr == nil {
					t.Fatalf("want net/http to take it (err %v) and readH1Response to refuse it (err %v)", wantErr, gotErr)
				}
				return
			}
			if (gotErr != nil) != (wantErr != nil) {
				t.Fatalf("error = %v, net/http %v", gotErr, wantErr)
			}
			if wantErr != nil {
				return
			}
			got := read(resp, gbr, func() bool {
				if b, ok := resp.Body.(*h1Body); ok {
					return b.eof && !resp.Close
				}
				return !resp.Close
			})
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-net/http +readH1Response):\n%s", diff)
			}
		})
	}
}
