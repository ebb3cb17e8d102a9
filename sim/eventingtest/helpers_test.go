package eventingtest_test

import (
	"context"
	"path/filepath"
	"strings"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/knsim/knsim/sim/manifest"
	"github.com/knsim/knsim/sim/world"
	"github.com/knsim/knsim/system/apis/duck"
	eventingv1 "github.com/knsim/knsim/system/apis/eventing/v1"
	flowsv1 "github.com/knsim/knsim/system/apis/flows/v1"
	messagingv1 "github.com/knsim/knsim/system/apis/messaging/v1"
	sourcesv1 "github.com/knsim/knsim/system/apis/sources/v1"
)

// apply applies a testdata manifest unchanged, as kubectl apply would.
func apply(ctx context.Context, file string) error {
	objs, err := manifest.DecodeFile(filepath.Join("testdata", file))
	Expect(err).NotTo(HaveOccurred())
	return manifest.Apply(ctx, c, "default", objs...)
}

// applyYAML applies inline YAML.
func applyYAML(ctx context.Context, y string) error {
	objs, err := manifest.Decode("inline", strings.NewReader(y))
	Expect(err).NotTo(HaveOccurred())
	return manifest.Apply(ctx, c, "default", objs...)
}

// createNamespace creates ns unless it exists.
func createNamespace(ctx context.Context, ns string) {
	err := c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}})
	if !apierrors.IsAlreadyExists(err) {
		Expect(err).NotTo(HaveOccurred())
	}
}

// ready waits until obj (of any eventing kind, named by ns/name) is Ready
// for its latest generation, and returns it.
func ready[T client.Object](ctx context.Context, ns, name string, obj T, status func(T) *duck.Status) T {
	Eventually(func(g Gomega) {
		g.Expect(c.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, obj)).To(Succeed())
		st := status(obj)
		g.Expect(st.ObservedGeneration).To(Equal(obj.GetGeneration()), "observed generation")
		g.Expect(st.IsReady()).To(BeTrue(), "conditions: %+v", st.Conditions)
	}).WithContext(ctx).Should(Succeed())
	return obj
}

func readyBroker(ctx context.Context, ns, name string) *eventingv1.Broker {
	return ready(ctx, ns, name, &eventingv1.Broker{}, func(o *eventingv1.Broker) *duck.Status { return &o.Status.Status })
}

func readyTrigger(ctx context.Context, ns, name string) *eventingv1.Trigger {
	return ready(ctx, ns, name, &eventingv1.Trigger{}, func(o *eventingv1.Trigger) *duck.Status { return &o.Status.Status })
}

func readyIMC(ctx context.Context, ns, name string) *messagingv1.InMemoryChannel {
	return ready(ctx, ns, name, &messagingv1.InMemoryChannel{}, func(o *messagingv1.InMemoryChannel) *duck.Status { return &o.Status.Status })
}

func readyChannel(ctx context.Context, ns, name string) *messagingv1.Channel {
	return ready(ctx, ns, name, &messagingv1.Channel{}, func(o *messagingv1.Channel) *duck.Status { return &o.Status.Status })
}

func readySubscription(ctx context.Context, ns, name string) *messagingv1.Subscription {
	return ready(ctx, ns, name, &messagingv1.Subscription{}, func(o *messagingv1.Subscription) *duck.Status { return &o.Status.Status })
}

func readySequence(ctx context.Context, ns, name string) *flowsv1.Sequence {
	return ready(ctx, ns, name, &flowsv1.Sequence{}, func(o *flowsv1.Sequence) *duck.Status { return &o.Status.Status })
}

func readyParallel(ctx context.Context, ns, name string) *flowsv1.Parallel {
	return ready(ctx, ns, name, &flowsv1.Parallel{}, func(o *flowsv1.Parallel) *duck.Status { return &o.Status.Status })
}

func readyPingSource(ctx context.Context, ns, name string) *sourcesv1.PingSource {
	return ready(ctx, ns, name, &sourcesv1.PingSource{}, func(o *sourcesv1.PingSource) *duck.Status { return &o.Status.Status })
}

// svcURL is the cluster-local address of a (Knative or Kubernetes) Service.
func svcURL(ns, name string) string { return "http://" + name + "." + ns + ".svc.cluster.local" }

// brokerURL is a Broker's ingress address.
func brokerURL(ns, name string) string {
	return "http://broker-ingress.knative-eventing.svc.cluster.local/" + ns + "/" + name
}

// channelURL is an InMemoryChannel's address.
func channelURL(ns, name string) string { return svcURL(ns, name+"-kn-channel") }

// applyTo applies inline YAML to another world.
func applyTo(ctx context.Context, to *world.World, y string) error {
	objs, err := manifest.Decode("inline", strings.NewReader(y))
	Expect(err).NotTo(HaveOccurred())
	return to.Apply(ctx, "default", objs...)
}
