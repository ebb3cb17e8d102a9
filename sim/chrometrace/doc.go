// Package chrometrace writes a virtual run's timeline in Chrome's
// trace-event JSON (`knsim run --trace-out FILE`), which Perfetto and
// chrome://tracing open: one process per revision and one track per pod
// (more when a pod serves requests at once), each sampled request a
// complete event ("ph":"X") with its stages nested in it (the wait at the
// activator or the queue-proxy, the container's service), and each pod's
// lifecycle (created, scheduled, pulled, started, ready, terminating,
// deleted) as instants on its track.
//
// Requests are sampled at a rate, drawn from a stream seeded from the
// run's seed in the order requests finish, so one scenario and seed give
// the same file byte for byte; pod events are few and all kept. It reads
// only what the runner hands it (runner.Options.OnRequest and
// OnPodEvent).
package chrometrace
