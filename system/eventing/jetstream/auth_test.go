package jetstream

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
)

// TestServerRequiresToken: the embedded server refuses a client that
// presents no token or a wrong one, over its loopback socket and in
// process alike, and takes the one with the token of this start.
func TestServerRequiresToken(t *testing.T) {
	for name, dontListen := range map[string]bool{"socket": false, "in process": true} {
		t.Run(name, func(t *testing.T) {
			srv, err := StartServer(ServerConfig{StoreDir: t.TempDir(), DontListen: dontListen})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(srv.Shutdown)
			if !dontListen && !strings.HasPrefix(srv.ClientURL(), "nats://127.0.0.1:") {
				t.Errorf("ClientURL = %q, want loopback", srv.ClientURL())
			}
			connect := func(extra ...nats.Option) error {
				opts := append([]nats.Option{nats.NoReconnect(), nats.Timeout(2 * time.Second)}, extra...)
				if dontListen {
					opts = append(opts, nats.InProcessServer(srv.NATS()))
				}
				nc, err := nats.Connect(srv.ClientURL(), opts...)
				if err == nil {
					nc.Close()
				}
				return err
			}
			cases := []struct {
				name string
				opts []nats.Option
				ok   bool
			}{
				{name: "no token", ok: false},
				{name: "wrong token", opts: []nats.Option{nats.Token(strings.Repeat("x", 43))}, ok: false},
				{name: "user and password", opts: []nats.Option{nats.UserInfo("knsim", srv.Token())}, ok: false},
				{name: "the token", opts: []nats.Option{srv.ClientAuth()}, ok: true},
			}
			for _, tc := range cases {
				err := connect(tc.opts...)
				if got := err == nil; got != tc.ok {
					t.Errorf("%s: connected = %v (err %v), want %v", tc.name, got, err, tc.ok)
				}
				// Over a socket the client reads the server's -ERR; in
				// process the server closes the pipe first.
				if !tc.ok && err != nil && !dontListen && !errors.Is(err, nats.ErrAuthorization) {
					t.Errorf("%s: err = %v, want an authorization violation", tc.name, err)
				}
			}
		})
	}
}

// TestServerTokenPerStart: each start draws a new random token unless one
// is given, and a given token must be long enough to resist guessing.
func TestServerTokenPerStart(t *testing.T) {
	dir := t.TempDir()
	tokens := map[string]bool{}
	for range 3 {
		srv, err := StartServer(ServerConfig{StoreDir: dir, DontListen: true})
		if err != nil {
			t.Fatal(err)
		}
		tok := srv.Token()
		srv.Shutdown()
		if len(tok) < MinTokenLength {
			t.Errorf("token of %d characters, want at least %d", len(tok), MinTokenLength)
		}
		tokens[tok] = true
	}
	if len(tokens) != 3 {
		t.Errorf("3 starts drew %d distinct tokens, want 3", len(tokens))
	}
	given := "0123456789abcdef"
	srv, err := StartServer(ServerConfig{StoreDir: dir, DontListen: true, Token: given})
	if err != nil {
		t.Fatal(err)
	}
	got := srv.Token()
	srv.Shutdown()
	if got != given {
		t.Errorf("Token() = %q, want the given one", got)
	}
	_, err = StartServer(ServerConfig{StoreDir: dir, DontListen: true, Token: "short"})
	if err == nil || !strings.Contains(err.Error(), "token of 5 characters: want at least 16") {
		t.Errorf("short token: err = %v", err)
	}
}

// TestChannelsPresentToken: channels on their embedded server connect with
// its token and expose it for other clients (the nats CLI); channels on an
// external server have none to give.
func TestChannelsPresentToken(t *testing.T) {
	c := newChannels(t, Config{StoreDir: t.TempDir()})
	if c.ServerToken() == "" || c.ServerToken() != c.srv.Token() {
		t.Errorf("ServerToken() = %q, want the embedded server's", c.ServerToken())
	}
	if _, err := nats.Connect(c.ServerURL(), nats.NoReconnect()); !errors.Is(err, nats.ErrAuthorization) {
		t.Errorf("a client without the token: err = %v, want an authorization violation", err)
	}
	nc, err := nats.Connect(c.ServerURL(), nats.Token(c.ServerToken()))
	if err != nil {
		t.Fatalf("a client with ServerToken: %v", err)
	}
	nc.Close()

	srv, err := StartServer(ServerConfig{StoreDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Shutdown)
	if _, err := New(Config{URL: srv.ClientURL(), NATSOptions: []nats.Option{nats.NoReconnect()}}); err == nil {
		t.Error("channels without the external server's token connected")
	}
	ext := newChannels(t, Config{URL: srv.ClientURL(), NATSOptions: []nats.Option{srv.ClientAuth()}})
	if ext.ServerToken() != "" {
		t.Errorf("external ServerToken() = %q, want none", ext.ServerToken())
	}
}
