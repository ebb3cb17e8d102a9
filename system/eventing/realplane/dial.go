package realplane

import (
	"context"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/knsim/knsim/sim/eventplane"
	"github.com/knsim/knsim/system/eventing/delivery"
)

// channelHostSuffix ends the host of every channel address
// ({name}-kn-channel.{namespace}.svc.cluster.local).
const channelHostSuffix = ".svc.cluster.local"

// DefaultDomain is the domain of Routes' external URLs when config-domain
// says nothing else; hosts under it go to the gateway.
const DefaultDomain = "example.com"

// router maps the cluster's host names to loopback listeners.
type router struct {
	broker, channel, gateway string // host:port
}

// addrFor returns where a connection to hostport must go: cluster-local
// names to a listener of this process or the gateway, anything else
// unchanged.
func (r router) addrFor(hostport string) string {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		host = hostport
	}
	switch {
	case host == eventplane.BrokerIngressHost:
		return r.broker
	case strings.HasSuffix(host, channelHostSuffix) && strings.Contains(host, "-kn-channel."):
		return r.channel
	case r.gateway != "" && (strings.HasSuffix(host, ".svc.cluster.local") || strings.HasSuffix(host, "."+DefaultDomain)):
		// Knative Services' cluster-local addresses and Routes' URLs
		// (default domain example.com) are served by the gateway, which
		// routes by Host.
		return r.gateway
	}
	return hostport
}

// dialer opens the plane's outgoing connections.
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
