package scenario

import (
	"strings"
)

// Producer is what the container of a ContainerSource does in a run: the
// emulated cluster runs no image, so a scenario says, per image, which
// events each Ready pod sends to the sink the ContainerSource resolves
// (its K_SINK), as workloads say how a Knative Service's containers serve.
type Producer struct {
	// Rate is the events per second each Ready pod sends (> 0).
	Rate float64 `json:"rate" jsonschema:"required"`
	// Arrivals spaces the events: poisson (the default) or even.
	Arrivals Arrivals `json:"arrivals,omitempty" jsonschema:"enum=poisson,enum=even"`
	// Type is the CloudEvents type of every event, e.g.
	// dev.knative.eventing.samples.heartbeat.
	Type string `json:"type" jsonschema:"required"`
	// Source is the CloudEvents source (default
	// "/apis/v1/namespaces/<namespace>/containersources/<name>").
	Source string `json:"source,omitempty"`
	// Data is the data every event carries (datacontenttype
	// application/json when it parses as JSON, text/plain otherwise).
	Data string `json:"data,omitempty"`
	// Delivery is how the container retries a failed send to a Service
	// (default Knative's adapters': retry 5, exponential, PT0.05S).
	Delivery *EventDelivery `json:"delivery,omitempty"`
}

func (p *Producer) validate(v *validator, path, image string) {
	if strings.TrimSpace(image) == "" {
		v.errorf(path, "expected a container image as the key, e.g. gcr.io/knative-releases/knative.dev/eventing/cmd/heartbeats")
	}
	if !(p.Rate > 0) {
		v.errorf(path+".rate", "expected the events per second of each Ready pod, > 0, got %v", p.Rate)
	}
	if p.Arrivals != "" {
		oneOf(v, path+".arrivals", string(p.Arrivals), "poisson", "even")
	}
	if strings.TrimSpace(p.Type) == "" {
		v.errorf(path+".type", "is required: the CloudEvents type of the events, e.g. dev.knative.eventing.samples.heartbeat")
	}
	p.Delivery.validate(v, path+".delivery")
}

// ProducerSource is the default CloudEvents source of a ContainerSource's
// events.
func ProducerSource(namespace, name string) string {
	return "/apis/v1/namespaces/" + namespace + "/containersources/" + name
}
