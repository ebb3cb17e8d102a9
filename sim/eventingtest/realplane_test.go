package eventingtest_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/knsim/knsim/system/eventing/channel"
	"github.com/knsim/knsim/system/eventing/jetstream"
	"github.com/knsim/knsim/system/shell/eventingshell"
)

// sink records the CloudEvent ids and spec versions it receives.
type sink struct {
	mu   sync.Mutex
	seen map[string]string // ce-id -> ce-specversion
}

func (s *sink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	s.mu.Lock()
	s.seen[r.Header.Get("Ce-Id")] = r.Header.Get("Ce-Specversion")
	s.mu.Unlock()
	w.WriteHeader(http.StatusAccepted)
}

func (s *sink) got() map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]string{}
	for k, v := range s.seen {
		out[k] = v
	}
	return out
}

// The real-mode eventing data plane (what knsim up serves) over the envtest
// control plane: CloudEvents over HTTP in, through the Trigger's filter, out
// to a subscriber on loopback.
var _ = Describe("the real-mode eventing plane", Ordered, func() {
	const ns = "realplane"
	const maxBody = 64 << 10
	var (
		plane *eventingshell.Shell
		subs  *sink
		srv   *httptest.Server
	)
	BeforeAll(func(ctx SpecContext) {
		subs = &sink{seen: map[string]string{}}
		srv = httptest.NewServer(subs)
		DeferCleanup(srv.Close)
		createNamespace(ctx, ns)
		Expect(applyYAML(ctx, fmt.Sprintf(`
apiVersion: eventing.knative.dev/v1
kind: Broker
metadata: {name: default, namespace: %[1]s}
---
apiVersion: eventing.knative.dev/v1
kind: Trigger
metadata: {name: orders, namespace: %[1]s}
spec:
  broker: default
  filter: {attributes: {type: com.example.order}}
  subscriber: {uri: %[2]q}
---
apiVersion: messaging.knative.dev/v1
kind: InMemoryChannel
metadata:
  name: durable
  namespace: %[1]s
  annotations: {messaging.knsim.dev/durable: "true"}
---
apiVersion: messaging.knative.dev/v1
kind: Subscription
metadata: {name: durable, namespace: %[1]s}
spec:
  channel: {apiVersion: messaging.knative.dev/v1, kind: InMemoryChannel, name: durable}
  subscriber: {uri: %[2]q}
---
apiVersion: messaging.knative.dev/v1
kind: Channel
metadata:
  name: durable-ch
  namespace: %[1]s
  annotations: {messaging.knsim.dev/durable: "true"}
---
apiVersion: messaging.knative.dev/v1
kind: Subscription
metadata: {name: durable-ch, namespace: %[1]s}
spec:
  channel: {apiVersion: messaging.knative.dev/v1, kind: Channel, name: durable-ch}
  subscriber: {uri: %[2]q}
`, ns, srv.URL+"/"))).To(Succeed())
		readyTrigger(ctx, ns, "orders")
		readySubscription(ctx, ns, "durable")
		readySubscription(ctx, ns, "durable-ch")
		var err error
		plane, err = eventingshell.Start(ctx, eventingshell.Config{
			Client: c, MaxBodyBytes: maxBody,
			JetStream: jetstream.Config{StoreDir: GinkgoT().TempDir(), InProcess: true},
		})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(plane.Close)
		// The subscription's entry reaches the channel a moment later.
		Eventually(func(g Gomega) {
			g.Expect(plane.Sync(ctx)).To(Succeed())
			g.Expect(plane.DurableChannels()).To(ContainElements(channel.Key{Namespace: ns, Name: "durable"},
				channel.Key{Namespace: ns, Name: "durable-ch"}))
		}).Should(Succeed())
	})

	post := func(method, url string, header map[string]string, body string) int {
		req, err := http.NewRequest(method, url, strings.NewReader(body))
		Expect(err).NotTo(HaveOccurred())
		for k, v := range header {
			if k == "Host" {
				req.Host = v
				continue
			}
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		Expect(err).NotTo(HaveOccurred())
		_, _ = io.Copy(io.Discard, resp.Body)
		Expect(resp.Body.Close()).To(Succeed())
		return resp.StatusCode
	}
	binary := func(id, version string) map[string]string {
		return map[string]string{"Ce-Specversion": version, "Ce-Id": id, "Ce-Type": "com.example.order",
			"Ce-Source": "/orders", "Content-Type": "application/json"}
	}
	structured := func(id, version string) (map[string]string, string) {
		return map[string]string{"Content-Type": "application/cloudevents+json"},
			fmt.Sprintf(`{"specversion":%q,"id":%q,"type":"com.example.order","source":"/orders","datacontenttype":"application/json","data":{"n":1}}`, version, id)
	}

	It("accepts binary and structured CloudEvents 0.3 and 1.0 and delivers them", func() {
		url := plane.BrokerURL() + "/" + ns + "/default"
		Expect(post("POST", url, binary("b10", "1.0"), `{"n":1}`)).To(Equal(http.StatusAccepted))
		Expect(post("POST", url, binary("b03", "0.3"), `{"n":1}`)).To(Equal(http.StatusAccepted))
		h, b := structured("s10", "1.0")
		Expect(post("POST", url, h, b)).To(Equal(http.StatusAccepted))
		h, b = structured("s03", "0.3")
		Expect(post("POST", url, h, b)).To(Equal(http.StatusAccepted))
		// Filtered out by the Trigger: accepted, never delivered.
		other := binary("other", "1.0")
		other["Ce-Type"] = "com.example.user"
		Expect(post("POST", url, other, `{}`)).To(Equal(http.StatusAccepted))
		Eventually(subs.got).Should(Equal(map[string]string{"b10": "1.0", "b03": "0.3", "s10": "1.0", "s03": "0.3"}))
		Consistently(subs.got, "300ms").ShouldNot(HaveKey("other"))
	})

	It("answers 400 to a body that is not a CloudEvent", func() {
		Expect(post("POST", plane.BrokerURL()+"/"+ns+"/default", map[string]string{"Content-Type": "text/plain"}, "hello")).
			To(Equal(http.StatusBadRequest))
	})

	It("answers 405 to GET", func() {
		Expect(post("GET", plane.BrokerURL()+"/"+ns+"/default", nil, "")).To(Equal(http.StatusMethodNotAllowed))
	})

	It("answers 404 for an unknown broker", func() {
		Expect(post("POST", plane.BrokerURL()+"/"+ns+"/nope", binary("x", "1.0"), `{}`)).To(Equal(http.StatusNotFound))
	})

	It("answers 413 to an oversized body", func() {
		Expect(post("POST", plane.BrokerURL()+"/"+ns+"/default", binary("big", "1.0"), strings.Repeat("x", maxBody+1))).
			To(Equal(http.StatusRequestEntityTooLarge))
	})

	It("serves a durable InMemoryChannel and a durable Channel from JetStream", func() {
		for _, name := range []string{"durable", "durable-ch"} {
			h := binary("via-jetstream-"+name, "1.0")
			h["Host"] = name + "-kn-channel." + ns + ".svc.cluster.local"
			Expect(post("POST", plane.ChannelURL()+"/", h, `{"n":2}`)).To(Equal(http.StatusAccepted))
			Eventually(subs.got).Should(HaveKeyWithValue("via-jetstream-"+name, "1.0"))
		}
		Expect(plane.Durable().Counters().Snapshot().Accepted).To(BeEquivalentTo(2))
	})
})
