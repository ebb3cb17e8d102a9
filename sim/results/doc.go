// Package results owns the results of a scenario run, as written to
// results JSON: the resolved configuration and seed, time series per
// revision, request latency and status codes, cold starts, cost, event
// delivery counts and expectation outcomes. Everything in it is derived from
// virtual time, so the same scenario and seed give byte-identical files.
package results
