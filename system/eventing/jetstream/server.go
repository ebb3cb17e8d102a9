package jetstream

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
)

// DefaultMaxPayload is the embedded server's max_payload: 8 MiB, room for
// a 4 MiB event (wire.DefaultMaxBodyBytes) with base64 data and headers.
// NATS's own default is 1 MiB.
const DefaultMaxPayload = 8 << 20

// ServerConfig configures an embedded NATS server with JetStream.
type ServerConfig struct {
	// StoreDir holds the JetStream file store; required. A server started
	// again on the same folder recovers its streams, consumers and their
	// acknowledgement state.
	StoreDir string
	// Host to listen on; "" means 127.0.0.1.
	Host string
	// Port to listen on; 0 picks a free port (see Server.ClientURL).
	Port int
	// DontListen opens no socket: clients connect in process
	// (nats.InProcessServer).
	DontListen bool
	// SyncAlways fsyncs every write, so an event acked at publish survives
	// a machine crash, not only a process crash; slower.
	SyncAlways bool
	// MaxPayload caps a message; 0 means DefaultMaxPayload.
	MaxPayload int32
	// ReadyTimeout bounds the start; 0 means 10s.
	ReadyTimeout time.Duration
	// Token is the secret every client must present (nats.Token); "" means
	// a random one for this start (see Server.Token). A given token must
	// be at least MinTokenLength characters. It is never logged.
	Token string
}

// MinTokenLength is the shortest token StartServer accepts: another local
// user must not be able to guess it.
const MinTokenLength = 16

// newToken returns 32 random bytes, base64url: a fresh secret per start.
func newToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// Server is an embedded nats-server with JetStream enabled.
type Server struct {
	ns   *server.Server
	cfg  ServerConfig
	lock *storeLock
}

// StartServer starts an embedded NATS server with JetStream on file
// storage under cfg.StoreDir and waits until it takes connections. The
// server holds an exclusive lock on the folder (LockFileName) until
// Shutdown: a second server on the same folder fails at once with a
// *StoreLockedError (errors.Is ErrStoreLocked).
func StartServer(cfg ServerConfig) (*Server, error) {
	if cfg.StoreDir == "" {
		return nil, errors.New("jetstream server: storeDir is required")
	}
	dir, err := filepath.Abs(cfg.StoreDir)
	if err != nil {
		return nil, fmt.Errorf("jetstream server: storeDir: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("jetstream server: storeDir: %w", err)
	}
	cfg.StoreDir = dir
	if cfg.Host == "" {
		cfg.Host = "127.0.0.1"
	}
	if cfg.Port < 0 || cfg.Port > 65535 {
		return nil, fmt.Errorf("jetstream server: port %d out of range", cfg.Port)
	}
	if cfg.MaxPayload < 0 {
		return nil, fmt.Errorf("jetstream server: maxPayload %d must be >= 0", cfg.MaxPayload)
	}
	if cfg.MaxPayload == 0 {
		cfg.MaxPayload = DefaultMaxPayload
	}
	if cfg.ReadyTimeout <= 0 {
		cfg.ReadyTimeout = 10 * time.Second
	}
	if cfg.Token == "" {
		if cfg.Token, err = newToken(); err != nil {
			return nil, fmt.Errorf("jetstream server: token: %w", err)
		}
	} else if len(cfg.Token) < MinTokenLength {
		return nil, fmt.Errorf("jetstream server: token of %d characters: want at least %d", len(cfg.Token), MinTokenLength)
	}
	port := cfg.Port
	if port == 0 {
		port = server.RANDOM_PORT
	}
	opts := &server.Options{
		ServerName: "knsim-jetstream",
		Host:       cfg.Host,
		Port:       port,
		DontListen: cfg.DontListen,
		JetStream:  true,
		StoreDir:   dir,
		SyncAlways: cfg.SyncAlways,
		MaxPayload: cfg.MaxPayload,
		NoLog:      true,
		NoSigs:     true,
		// Even on loopback another local user could connect: every
		// client, in process or not, presents the token.
		Authorization: cfg.Token,
		// No HTTP monitoring, clustering or leaf nodes: one local server.
		HTTPPort: 0,
	}
	lock, err := lockStore(dir)
	if err != nil {
		return nil, err
	}
	ns, err := server.NewServer(opts)
	if err != nil {
		lock.release()
		return nil, fmt.Errorf("jetstream server: %w", err)
	}
	ns.Start()
	if !ns.ReadyForConnections(cfg.ReadyTimeout) {
		ns.Shutdown()
		ns.WaitForShutdown()
		lock.release()
		return nil, fmt.Errorf("jetstream server: not ready after %s", cfg.ReadyTimeout)
	}
	if !ns.JetStreamEnabled() {
		ns.Shutdown()
		ns.WaitForShutdown()
		lock.release()
		return nil, errors.New("jetstream server: JetStream did not start (store dir not writable?)")
	}
	return &Server{ns: ns, cfg: cfg, lock: lock}, nil
}

// ClientURL is the server's nats:// URL ("" with DontListen).
func (s *Server) ClientURL() string {
	if s.cfg.DontListen {
		return ""
	}
	return s.ns.ClientURL()
}

// Token is the secret clients present (nats.Token); keep it out of logs.
func (s *Server) Token() string { return s.cfg.Token }

// ClientAuth is the connection option that presents the token.
func (s *Server) ClientAuth() nats.Option { return nats.Token(s.cfg.Token) }

// StoreDir is the absolute store folder.
func (s *Server) StoreDir() string { return s.cfg.StoreDir }

// Config is the resolved configuration, its Token included; with a
// random port its Port is still 0 (the bound port is in ClientURL).
func (s *Server) Config() ServerConfig { return s.cfg }

// NATS is the underlying server, for in-process connections.
func (s *Server) NATS() *server.Server { return s.ns }

// Shutdown stops the server, waits until it stopped and releases the
// store folder's lock; the store stays.
func (s *Server) Shutdown() {
	s.ns.Shutdown()
	s.ns.WaitForShutdown()
	s.lock.release()
}
