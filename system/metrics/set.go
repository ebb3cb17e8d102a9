package metrics

import (
	"errors"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// Config configures New.
type Config struct {
	// Deciders is the autoscaler to read (the world's Multiscaler);
	// required.
	Deciders Deciders
	// Client, when set, reads the revisions' pods, Deployments and labels.
	Client client.Reader
}

// Set is knsim's own registry with every family registered: the request
// series the Serving shell feeds and the autoscaler's, read when scraped.
type Set struct {
	// Registry holds knsim's families.
	Registry *prometheus.Registry
	// Requests is fed by the Serving shell's hooks.
	Requests *Requests
}

// New registers the families on a new registry.
func New(cfg Config) (*Set, error) {
	if cfg.Deciders == nil {
		return nil, errors.New("metrics: Config.Deciders is required")
	}
	reg := prometheus.NewRegistry()
	names := ServiceNamer
	if cfg.Client != nil {
		names = RevisionNamer(cfg.Client)
	}
	req, err := NewRequests(reg, names)
	if err != nil {
		return nil, err
	}
	as, err := NewAutoscaler(cfg.Deciders, cfg.Client)
	if err != nil {
		return nil, err
	}
	if err := reg.Register(as); err != nil {
		return nil, err
	}
	return &Set{Registry: reg, Requests: req}, nil
}

// Handler serves the set's families and those of the other gatherers
// (controller-runtime's registry, say) as one scrape, in the format the
// scraper asks for.
func (s *Set) Handler(others ...prometheus.Gatherer) http.Handler {
	g := append(prometheus.Gatherers{s.Registry}, others...)
	return promhttp.HandlerFor(g, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
}
