// Package ingress is the functional core of knsim's gateway: the [Router]
// that maps a request's Host header to a Route and then to one Revision,
// by percent split or by tag, plus the thin real shell in realhttp.go
// ([Gateway]).
//
// The Router is built from Route objects as the Route reconciler publishes
// them: status.url gives the external host {route}.{namespace}.{domain},
// status.traffic the resolved targets (revisionName, percent, tag, url).
// It serves these hosts:
//
//   - the external host, split over the targets with a percent above 0;
//   - each tag's host {tag}-{route}.{namespace}.{domain} (or the target's
//     status url), always the tagged revision, even at 0 percent;
//   - the cluster-local forms of both, {name}.{namespace}.svc.cluster.local
//     and the shorter {name}.{namespace}.svc and {name}.{namespace}, as
//     Knative's cluster-local gateway accepts.
//
// Routing is a pure function of the host and a number u in [0, 1) that
// the shell draws from its seeded stream, so a simulation reproduces its
// splits exactly. Host matching ignores case, a trailing dot and the port.
// An unknown host, or a Route with no routable traffic, is a
// [*NotFoundError] (404 in the shell).
package ingress
