package runner

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	cloudevents "github.com/cloudevents/sdk-go/v2"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/knsim/knsim/sim/cluster"
	"github.com/knsim/knsim/sim/scenario"
	"github.com/knsim/knsim/system/eventing/delivery"
	"github.com/knsim/knsim/system/reconciler/containersource/resources"
)

// ContainerSources in a run: the emulated cluster runs no image, so each
// Ready pod of a ContainerSource whose container image the scenario's
// producers map sends that producer's events to the pod's K_SINK (which
// the ContainerSource's SinkBinding set to the resolved sink), from the
// settle that saw it Ready until the one that sees it gone or not Ready.

// podProducer is one Ready pod's event loop.
type podProducer struct {
	key      string // namespace/pod
	source   string // the ContainerSource's name
	ns       string
	p        scenario.Producer
	retry    delivery.Policy
	sink     string
	ready    bool
	running  bool
	stream   *rand.Rand
	sent     int
	data     []byte
	dataType string
}

// syncProducers reads the pods of ContainerSources and starts or stops
// their producers; events.sync calls it when the control plane wrote.
func (e *events) syncProducers(ctx context.Context, c client.Reader) error {
	if len(e.sc.Producers) == 0 {
		return nil
	}
	var pods corev1.PodList
	if err := c.List(ctx, &pods, client.HasLabels{resources.SourceLabelKey}); err != nil {
		return fmt.Errorf("listing the pods of ContainerSources: %w", err)
	}
	if e.producers == nil {
		e.producers = map[string]*podProducer{}
	}
	live := map[string]bool{}
	items := pods.Items
	slices.SortFunc(items, func(a, b corev1.Pod) int {
		return strings.Compare(a.Namespace+"/"+a.Name, b.Namespace+"/"+b.Name)
	})
	for i := range items {
		pod := &items[i]
		image, sink, ok := e.producerOf(pod)
		if !ok {
			continue
		}
		key := pod.Namespace + "/" + pod.Name
		live[key] = true
		pp := e.producers[key]
		if pp == nil {
			spec := e.sc.Producers[image]
			retry, err := spec.Delivery.Policy()
			if err != nil {
				return fmt.Errorf("producers[%s].delivery: %w", image, err)
			}
			pp = &podProducer{key: key, source: pod.Labels[resources.SourceLabelKey], ns: pod.Namespace, p: spec, retry: retry,
				stream: e.eng.Rand("producers/" + key)}
			if spec.Data != "" {
				pp.data, pp.dataType = []byte(spec.Data), "text/plain"
				if json.Valid(pp.data) {
					pp.dataType = cloudevents.ApplicationJSON
				}
			}
			e.producers[key] = pp
		}
		pp.sink = sink
		pp.ready = pod.DeletionTimestamp == nil && cluster.IsReady(pod)
		if pp.ready && pp.sink != "" && !pp.running {
			pp.running = true
			now := e.eng.Now()
			e.eng.Schedule(now.Add(pp.gap()), pp.fire(e))
		}
	}
	for key, pp := range e.producers {
		if !live[key] {
			pp.ready = false // the loop ends at its next event
		}
	}
	return nil
}

// producerOf is the producer image of the pod's first container the
// scenario models, and that container's K_SINK.
func (e *events) producerOf(pod *corev1.Pod) (image, sink string, ok bool) {
	for _, ct := range pod.Spec.Containers {
		if _, modelled := e.sc.Producers[ct.Image]; !modelled {
			continue
		}
		for _, env := range ct.Env {
			if env.Name == "K_SINK" {
				sink = env.Value
			}
		}
		return ct.Image, sink, true
	}
	return "", "", false
}

// gap is the wait before the pod's next event.
func (pp *podProducer) gap() time.Duration {
	mean := float64(time.Second) / pp.p.Rate
	if pp.p.Arrivals == scenario.Even {
		return time.Duration(mean)
	}
	return time.Duration(pp.stream.ExpFloat64() * mean)
}

// fire sends one event and schedules the next while the pod is Ready.
func (pp *podProducer) fire(e *events) func(time.Time) {
	return func(now time.Time) {
		if !pp.ready || pp.sink == "" {
			pp.running = false
			return
		}
		pp.sent++
		ev := cloudevents.NewEvent()
		ev.SetID(fmt.Sprintf("%s-%d", pp.key, pp.sent))
		ev.SetType(pp.p.Type)
		src := pp.p.Source
		if src == "" {
			src = scenario.ProducerSource(pp.ns, pp.source)
		}
		ev.SetSource(src)
		ev.SetTime(now)
		if pp.data != nil {
			ev.SetDataContentType(pp.dataType)
			ev.DataEncoded = pp.data
		}
		e.plane.ProduceWith(now, pp.sink, ev, int64(len(pp.data)), pp.retry)
		e.eng.Schedule(now.Add(pp.gap()), pp.fire(e))
	}
}
