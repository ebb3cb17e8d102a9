package delivery

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httputil"
	"net/textproto"
	"strconv"
)

// maxResponseHeadBytes bounds a response head, as net/http's client does
// by default.
const maxResponseHeadBytes = 10 << 20

// errMalformedResponse reports a response that is not HTTP/1.x as the
// dispatcher reads it.
var errMalformedResponse = errors.New("malformed HTTP response")

// h1Body is a response body read from a connection: length-delimited,
// chunked, or up to the connection's end. It records whether it was read
// to its end (trailers included), so that the connection is reused only
// then; Close does not drain.
type h1Body struct {
	br        *bufio.Reader
	remaining int64     // length-delimited: bytes left; -1 otherwise
	chunked   io.Reader // chunked bodies
	eof       bool
}

// Read reads the body.
func (b *h1Body) Read(p []byte) (int, error) {
	if b.eof {
		return 0, io.EOF
	}
	switch {
	case b.chunked != nil:
		n, err := b.chunked.Read(p)
		if err == io.EOF {
			if terr := skipTrailers(b.br); terr != nil {
				return n, terr
			}
			b.eof = true
		}
		return n, err
	case b.remaining >= 0:
		if b.remaining == 0 {
			b.eof = true
			return 0, io.EOF
		}
		if int64(len(p)) > b.remaining {
			p = p[:b.remaining]
		}
		n, err := b.br.Read(p)
		b.remaining -= int64(n)
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		if err == nil && b.remaining == 0 {
			b.eof, err = true, io.EOF
		}
		return n, err
	default:
		n, err := b.br.Read(p)
		if err == io.EOF {
			b.eof = true
		}
		return n, err
	}
}

// Close does nothing: the connection's fate is decided by eof.
func (b *h1Body) Close() error { return nil }

// skipTrailers reads the trailer section after a chunked body's last chunk.
func skipTrailers(br *bufio.Reader) error {
	budget := maxResponseHeadBytes
	for {
		line, err := readLine(br, &budget)
		if err != nil {
			return err
		}
		if len(line) == 0 {
			return nil
		}
	}
}

// readH1Response reads a response head from br into resp, skipping 1xx
// interim responses as net/http does (101 is final), with a body reading
// from br. Its Header holds only what the dispatcher looks at:
// Content-Type, Retry-After and the Ce- headers (canonical keys); it is
// nil when there are none. Close is set when the connection cannot carry
// another exchange: "Connection: close", HTTP/1.0 without keep-alive, or a
// body delimited by the connection's end.
func readH1Response(br *bufio.Reader, resp *http.Response) error {
	for {
		if err := readH1Head(br, resp); err != nil {
			return err
		}
		if resp.StatusCode >= 200 || resp.StatusCode == http.StatusSwitchingProtocols {
			return nil
		}
	}
}

// readH1Head reads one response head into resp and sets up its body.
func readH1Head(br *bufio.Reader, resp *http.Response) error {
	budget := maxResponseHeadBytes
	line, err := readLine(br, &budget)
	if err != nil {
		return err
	}
	// "HTTP/1.1 202 Accepted": version, three-digit status, optional reason.
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.")) || (line[7] != '0' && line[7] != '1') ||
		line[8] != ' ' || (len(line) > 12 && line[12] != ' ') {
		return fmt.Errorf("%w: status line %q", errMalformedResponse, truncate(line))
	}
	status := 0
	for _, c := range line[9:12] {
		if c < '0' || c > '9' {
			return fmt.Errorf("%w: status line %q", errMalformedResponse, truncate(line))
		}
		status = status*10 + int(c-'0')
	}
	if status < 100 {
		return fmt.Errorf("%w: status %d", errMalformedResponse, status)
	}
	*resp = http.Response{StatusCode: status, ProtoMajor: 1, ProtoMinor: int(line[7] - '0'), ContentLength: -1}
	keepAlive := resp.ProtoMinor == 1
	chunked := false
	for {
		line, err := readLine(br, &budget)
		if err != nil {
			return err
		}
		if len(line) == 0 {
			break
		}
		i := bytes.IndexByte(line, ':')
		if i <= 0 || !validToken(line[:i]) {
			return fmt.Errorf("%w: header line %q", errMalformedResponse, truncate(line))
		}
		name, value := line[:i], bytes.Trim(line[i+1:], " \t")
		switch {
		case asciiEqualFold(name, "Content-Length"):
			n, err := strconv.ParseInt(string(value), 10, 64)
			if err != nil || n < 0 || (resp.ContentLength >= 0 && n != resp.ContentLength) {
				return fmt.Errorf("%w: content-length %q", errMalformedResponse, truncate(value))
			}
			resp.ContentLength = n
		case asciiEqualFold(name, "Transfer-Encoding"):
			if chunked || !asciiEqualFold(value, "chunked") {
				return fmt.Errorf("%w: transfer-encoding %q", errMalformedResponse, truncate(value))
			}
			chunked = true
		case asciiEqualFold(name, "Connection"):
			if hasToken(value, "close") {
				resp.Close = true
			}
			if hasToken(value, "keep-alive") {
				keepAlive = true
			}
		case asciiEqualFold(name, "Content-Type"), asciiEqualFold(name, "Retry-After"),
			len(name) > 3 && asciiEqualFold(name[:3], "Ce-"):
			if resp.Header == nil {
				resp.Header = make(http.Header, 8)
			}
			resp.Header.Add(textproto.CanonicalMIMEHeaderKey(string(name)), string(value))
		}
	}
	if !keepAlive {
		resp.Close = true
	}
	switch {
	case status < 200 || status == http.StatusNoContent || status == http.StatusNotModified:
		resp.ContentLength = 0
		resp.Body = http.NoBody
	case chunked:
		resp.ContentLength = -1
		resp.Body = &h1Body{br: br, remaining: -1, chunked: httputil.NewChunkedReader(br)}
	case resp.ContentLength == 0:
		resp.Body = http.NoBody
	case resp.ContentLength > 0:
		resp.Body = &h1Body{br: br, remaining: resp.ContentLength}
	default:
		resp.Close = true
		resp.Body = &h1Body{br: br, remaining: -1}
	}
	return nil
}

// readLine reads one line without its line ending, charging its length to
// budget. The line is valid until the next read from br.
func readLine(br *bufio.Reader, budget *int) ([]byte, error) {
	line, err := br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		long := append([]byte(nil), line...)
		for err == bufio.ErrBufferFull && len(long) <= *budget {
			line, err = br.ReadSlice('\n')
			long = append(long, line...)
		}
		line = long
	}
	*budget -= len(line)
	if *budget < 0 {
		return nil, fmt.Errorf("%w: head larger than %d bytes", errMalformedResponse, maxResponseHeadBytes)
	}
	if err != nil {
		if err == io.EOF && len(line) > 0 {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	line = line[:len(line)-1]
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	return line, nil
}

// validToken reports whether b is an RFC 7230 token (a header name).
func validToken(b []byte) bool {
	for _, c := range b {
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case bytes.IndexByte([]byte("!#$%&'*+-.^_`|~"), c) >= 0:
		default:
			return false
		}
	}
	return len(b) > 0
}

// asciiEqualFold compares b with s ignoring ASCII case.
func asciiEqualFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range len(b) {
		x, y := b[i], s[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// hasToken reports whether the comma-separated list v holds token.
func hasToken(v []byte, token string) bool {
	for len(v) > 0 {
		var item []byte
		if i := bytes.IndexByte(v, ','); i >= 0 {
			item, v = v[:i], v[i+1:]
		} else {
			item, v = v, nil
		}
		if asciiEqualFold(bytes.Trim(item, " \t"), token) {
			return true
		}
	}
	return false
}

// truncate shortens b for an error message.
func truncate(b []byte) string {
	if len(b) > 64 {
		return string(b[:64]) + "..."
	}
	return string(b)
}
