// Package keepalive is the fixed keep-alive scaling policy of FaaS
// platforms, class keepalive.autoscaling.knsim.dev: scale per request (a
// request takes an idle instance when there is one, otherwise a new
// instance cold-starts for it) and remove each instance once it has been
// idle for a fixed time.
//
// Source: AWS Lambda keeps an idle execution environment for about 10
// minutes and Azure Functions (Consumption plan) an idle instance for 20
// minutes, as measured and described in M. Shahrad et al., "Serverless in
// the Wild: Characterizing and Optimizing the Serverless Workload at a
// Large Cloud Provider", USENIX ATC 2020, section 4.
//
// Parameter (a revision annotation):
//
//	autoscaling.knsim.dev/keep-alive: "10m"   idle time before an instance goes (a Go duration, 1s..24h; default 10m)
//
// Decide is the pure rule, taking the time: a busy instance stays; an idle
// one stays while now < IdleSince + keep-alive and is named in
// Decision.Remove from then on; each request waiting at the activator adds
// one instance. Policy wraps it with the latest observation for the
// multiscaler.
package keepalive
