package eventingshell

import (
	"context"
	"net"
	"net/http"
	"time"

	"github.com/knsim/knsim/system/eventing/delivery"
	"github.com/knsim/knsim/system/network"
)

// router maps the cluster's host names to loopback listeners.
type router struct {
	broker, channel, gateway string // host:port
}

// addrFor returns where a connection to hostport must go: cluster-local
// names to a listener of this process or the gateway, anything else
// unchanged.
func (r router) addrFor(hostport string) string {
	switch network.Classify(hostport) {
	case network.Broker:
		return r.broker
	case network.Channel:
		return r.channel
	case network.Cluster, network.Route:
		// Knative Services' cluster-local addresses and Routes' URLs
		// (default domain example.com) are served by the gateway, which
		// routes by Host.
		if r.gateway != "" {
			return r.gateway
		}
	}
	return hostport
}

// dialer opens the shell's outgoing connections.
var dialer = &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}

// dial connects to where addrFor says addr goes; the request keeps its Host
// header, which the listeners route by.
func (r router) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	return dialer.DialContext(ctx, network, r.addrFor(addr))
}

// transport is delivery.NewTransport dialling with dial.
func (r router) transport() *http.Transport {
	t := delivery.NewTransport()
	t.DialContext = r.dial
	return t
}
