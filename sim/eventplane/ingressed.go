package eventplane

import (
	"time"

	cloudevents "github.com/cloudevents/sdk-go/v2"
)

// Ingressed is an event a Broker's ingress or a channel took (202), which
// Knative's eventtype-auto-create registers as an EventType of that Broker
// or channel; Config.OnIngress sees each one.
type Ingressed struct {
	// At is when the event was taken.
	At time.Time
	// Broker is true for a Broker's ingress, false for a channel.
	Broker bool
	// Namespace and Name name the Broker or channel.
	Namespace, Name string
	// Event is the event taken; it must not be changed.
	Event *cloudevents.Event
}

// ingressed hands an accepted event to Config.OnIngress, if set.
func (p *Plane) ingressed(at time.Time, broker bool, ns, name string, ev *cloudevents.Event) {
	if p.cfg.OnIngress != nil && ev != nil {
		p.cfg.OnIngress(Ingressed{At: at, Broker: broker, Namespace: ns, Name: name, Event: ev})
	}
}
