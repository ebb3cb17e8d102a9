// Package durablekill is a chaos test of the durable channel in real mode:
// it starts `knsim up --state-dir DIR` as a child process, applies a
// NatsJetStreamChannel and a Subscription whose subscriber fails 30 % of
// attempts (503), with retries and a dead-letter sink, posts events to the
// channel, kills the process with SIGKILL mid-stream (no graceful stop),
// starts it again on the same state folder and counts every event: in
// (accepted with 202), delivered, dead-lettered, lost and duplicated.
//
// The subscriber and the dead-letter sink are HTTP servers of this
// process, so they outlive the kill and see every attempt. The producer
// retries each event until the channel accepts it, as a producer that
// wants at-least-once must: an event whose 202 the kill swallowed is sent
// again, and comes twice if the first copy was stored.
//
// Run drives one test; the command (main.go) runs it with flags, e.g.
// 100,000 events:
//
//	go build -o /tmp/knsim ./cmd/knsim
//	go run ./bench/durablekill -knsim /tmp/knsim -events 100000
//
// durablekill_test.go runs 2,000 events and requires lost == 0.
package main
