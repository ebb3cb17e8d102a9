package jetstream

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"go.uber.org/zap"
	"k8s.io/utils/clock"

	"github.com/knsim/knsim/system/eventing/delivery"
	"github.com/knsim/knsim/system/eventing/wire"
)

// Clock is the part of k8s.io/utils/clock the channels use: the time of an
// outcome, per-attempt timeouts, waits between in-process retries of
// replies and dead letters, the ack-progress heartbeat and the drain
// deadline. clock.RealClock and the testing FakeClock satisfy it.
type Clock interface {
	Now() time.Time
	NewTimer(d time.Duration) clock.Timer
	AfterFunc(d time.Duration, f func()) clock.Timer
}

// Defaults.
const (
	// DefaultName names the instance (and its default store folder).
	DefaultName = "default"
	// DefaultSubjectPrefix starts every channel's subject.
	DefaultSubjectPrefix = "knsim.ch"
	// DefaultStreamPrefix starts every channel's stream name.
	DefaultStreamPrefix = "KNSIM-CH"
	// DefaultAckWait bounds how long an event whose ack or nak was lost (a
	// crash, a server restart) waits before JetStream redelivers it.
	// JetStream's own default is 30s; deliveries in flight are kept alive
	// with InProgress every AckWait/3, so a shorter one costs little.
	DefaultAckWait = 10 * time.Second
	// DefaultMaxAckPending bounds the deliveries in flight per subscription.
	DefaultMaxAckPending = 256
	// DefaultSpareDeliveries is added to a consumer's max deliver (1 + retry)
	// so that an attempt interrupted by a restart is not the event's end.
	DefaultSpareDeliveries = 2
	// DefaultRequestTimeout bounds publishes and JetStream API calls.
	DefaultRequestTimeout = 5 * time.Second
	// DefaultDrainTimeout bounds how long Close waits for deliveries in
	// flight before it aborts them (they are redelivered later).
	DefaultDrainTimeout = 10 * time.Second
)

// Config configures New. The zero value runs an embedded server whose
// store lives under $XDG_CACHE_HOME/knsim/jetstream/default.
type Config struct {
	// URL of an external NATS server with JetStream (nats://, tls://, ws://
	// or wss://; a comma-separated list for a cluster). "" starts an
	// embedded server in process.
	URL string
	// StoreDir is the embedded server's JetStream store; "" means
	// $XDG_CACHE_HOME/knsim/jetstream/<Name> (os.UserCacheDir). It must be
	// empty with URL: an external server keeps its own store.
	StoreDir string
	// Name of this instance: the default store folder's last element and
	// the NATS connection name. "" means DefaultName.
	Name string
	// InProcess makes the embedded server open no socket; the channels
	// connect to it in process. By default it listens on 127.0.0.1 on a
	// free port (see Channels.ServerURL), so the nats CLI can inspect it.
	InProcess bool
	// SyncAlways fsyncs every write of the embedded server.
	SyncAlways bool
	// MemoryStorage keeps streams in memory (no durability across server
	// restarts); the default is file storage.
	MemoryStorage bool
	// Replicas of each stream on an external cluster; 0 means 1.
	Replicas int
	// SubjectPrefix of channel subjects: <prefix>.<namespace>.<name>.
	SubjectPrefix string
	// StreamPrefix of stream names: <prefix>_<namespace>_<name>.
	StreamPrefix string
	// AckWait is how long JetStream waits for an ack before it redelivers;
	// while a delivery runs the dispatcher keeps it alive (InProgress every
	// AckWait/3), so it only matters after a crash. 0 means DefaultAckWait.
	AckWait time.Duration
	// MaxAckPending bounds each subscription's unacknowledged events; 0
	// means DefaultMaxAckPending.
	MaxAckPending int
	// SpareDeliveries is added to max deliver (1 + retry); 0 means
	// DefaultSpareDeliveries, negative means none (max deliver = 1 + retry
	// exactly).
	SpareDeliveries int
	// RequestTimeout bounds publishes, acks and JetStream API calls; 0
	// means DefaultRequestTimeout.
	RequestTimeout time.Duration
	// DrainTimeout bounds Close's wait for deliveries in flight; 0 means
	// DefaultDrainTimeout.
	DrainTimeout time.Duration
	// MaxBodyBytes bounds ingress request and reply bodies; 0 means
	// wire.DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// Client sends events to subscribers; nil means a client on
	// delivery.NewTransport().
	Client *http.Client
	// Clock for timing the channels control; nil means clock.RealClock.
	Clock Clock
	// Logger; nil means none.
	Logger *zap.Logger
	// Observe, if set, is told every delivery decision (after counting).
	Observe delivery.Observer
	// NATSOptions are extra options for the connection (credentials, TLS).
	NATSOptions []nats.Option
}

var (
	nameRE  = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]*$`)
	tokenRE = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)
)

// resolve validates cfg and fills in defaults.
func (cfg Config) resolve() (Config, error) {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if cfg.Name == "" {
		cfg.Name = DefaultName
	}
	if !nameRE.MatchString(cfg.Name) || len(cfg.Name) > 128 {
		bad("name %q: want letters, digits, '.', '_' or '-'", cfg.Name)
	}
	if cfg.URL != "" {
		for _, u := range strings.Split(cfg.URL, ",") {
			if err := checkNATSURL(strings.TrimSpace(u)); err != nil {
				bad("url: %v", err)
			}
		}
		if cfg.StoreDir != "" {
			bad("storeDir must be empty with url: an external server keeps its own store")
		}
		if cfg.InProcess || cfg.SyncAlways {
			bad("inProcess and syncAlways apply to the embedded server only")
		}
	} else {
		if cfg.StoreDir == "" {
			base, err := os.UserCacheDir()
			if err != nil {
				bad("storeDir: no cache folder (%v); set StoreDir", err)
			}
			cfg.StoreDir = filepath.Join(base, "knsim", "jetstream", cfg.Name)
		}
		dir, err := filepath.Abs(cfg.StoreDir)
		if err != nil {
			bad("storeDir: %v", err)
		}
		cfg.StoreDir = dir
		if cfg.Replicas > 1 {
			bad("replicas %d: the embedded server is a single node", cfg.Replicas)
		}
	}
	if cfg.Replicas < 0 || cfg.Replicas > 5 {
		bad("replicas %d: want 0..5", cfg.Replicas)
	}
	if cfg.Replicas == 0 {
		cfg.Replicas = 1
	}
	if cfg.SubjectPrefix == "" {
		cfg.SubjectPrefix = DefaultSubjectPrefix
	}
	for _, tok := range strings.Split(cfg.SubjectPrefix, ".") {
		if !tokenRE.MatchString(tok) {
			bad("subjectPrefix %q: want dot-separated tokens of letters, digits, '_' or '-'", cfg.SubjectPrefix)
			break
		}
	}
	if cfg.StreamPrefix == "" {
		cfg.StreamPrefix = DefaultStreamPrefix
	}
	if !tokenRE.MatchString(cfg.StreamPrefix) || len(cfg.StreamPrefix) > 32 {
		bad("streamPrefix %q: want at most 32 letters, digits, '_' or '-'", cfg.StreamPrefix)
	}
	durations := []struct {
		name string
		v    *time.Duration
		def  time.Duration
	}{
		{"ackWait", &cfg.AckWait, DefaultAckWait},
		{"requestTimeout", &cfg.RequestTimeout, DefaultRequestTimeout},
		{"drainTimeout", &cfg.DrainTimeout, DefaultDrainTimeout},
	}
	for _, d := range durations {
		switch {
		case *d.v < 0:
			bad("%s %s: must be >= 0", d.name, *d.v)
		case *d.v == 0:
			*d.v = d.def
		}
	}
	if cfg.AckWait < 10*time.Millisecond {
		bad("ackWait %s: must be at least 10ms", cfg.AckWait)
	}
	switch {
	case cfg.MaxAckPending < 0:
		bad("maxAckPending %d: must be >= 0", cfg.MaxAckPending)
	case cfg.MaxAckPending == 0:
		cfg.MaxAckPending = DefaultMaxAckPending
	}
	switch {
	case cfg.SpareDeliveries < 0:
		cfg.SpareDeliveries = 0
	case cfg.SpareDeliveries == 0:
		cfg.SpareDeliveries = DefaultSpareDeliveries
	}
	switch {
	case cfg.MaxBodyBytes < 0:
		bad("maxBodyBytes %d: must be >= 0", cfg.MaxBodyBytes)
	case cfg.MaxBodyBytes == 0:
		cfg.MaxBodyBytes = wire.DefaultMaxBodyBytes
	}
	if cfg.URL == "" && cfg.MaxBodyBytes > DefaultMaxPayload/2 {
		bad("maxBodyBytes %d: the embedded server takes events up to %d bytes", cfg.MaxBodyBytes, DefaultMaxPayload/2)
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{Transport: delivery.NewTransport()}
	}
	if cfg.Clock == nil {
		cfg.Clock = clock.RealClock{}
	}
	if cfg.Logger == nil {
		cfg.Logger = zap.NewNop()
	}
	return cfg, errors.Join(errs...)
}

// checkNATSURL accepts the URL forms nats.Connect takes.
func checkNATSURL(s string) error {
	if s == "" {
		return errors.New("empty server URL")
	}
	u, err := url.Parse(s)
	if err != nil {
		return err
	}
	switch u.Scheme {
	case "nats", "tls", "ws", "wss":
	default:
		return fmt.Errorf("%q: scheme must be nats, tls, ws or wss", s)
	}
	if u.Host == "" {
		return fmt.Errorf("%q: no host", s)
	}
	return nil
}
