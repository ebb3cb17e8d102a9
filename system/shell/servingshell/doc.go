// Package servingshell is knsim's real Serving data-plane shell, the one
// `knsim up` and real-mode runs serve requests with: the same cores as the
// simulated shell (sim/dataplane) behind real HTTP servers on 127.0.0.1,
// driven by the wall clock.
//
// A request takes the path Knative's does:
//
//	client --TCP--> gateway --TCP--> activator --TCP--> queue-proxy --in-process--> user container
//	                        \--------------TCP-------------^
//
// The gateway (system/ingress.Gateway) listens on Config.GatewayPort and
// routes by Host header. A revision whose ServerlessService is in Proxy mode,
// or that has no ready pod, is served through the activator
// (system/activator.Handler, its own listener); otherwise the gateway picks
// one of the revision's ready pods at random, as kube-proxy would. Every
// ready pod gets its own listener on 127.0.0.1 (standing in for podIP:8012)
// served by a queue-proxy (system/queue.ProxyHandler: breaker and stats).
//
// What is real TCP and what is in-process:
//   - client -> gateway, gateway -> activator, gateway -> queue-proxy and
//     activator -> queue-proxy are HTTP/1.1 over loopback TCP, with
//     keep-alive connection pools (httputil.ReverseProxy);
//   - queue-proxy -> user container is an in-process handler call, where a
//     Knative pod uses HTTP on localhost;
//   - the user container is the workload model both shells share
//     ([Container] around system/container's core: service time,
//     cold-start extra, in-flight limit, CPU use from a
//     container.Workload) and answers "Hello <TARGET>!" as the
//     helloworld-go sample does;
//   - stats reach the autoscaler by function call (telemetry.Metrics, the
//     world's Multiscaler) once a second, and the activator pokes it at
//     once for a revision at zero, where Knative uses a websocket and
//     scraping; each second's load (OnSecond) is telemetry.RevisionLoad,
//     as in the simulated shell;
//   - the control plane is polled (topology.ReadServing on an uncached
//     client, every Config.SyncPeriod) rather than watched; a request for
//     a host the gateway does not know makes it read at once, so a Route
//     that is Ready answers as in Knative, where Ready means the ingress is
//     programmed.
package servingshell
