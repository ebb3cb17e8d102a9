// Package sequence reconciles Sequences: one channel per step (of the
// channel template's kind), and per step a Subscription from its channel
// to the step whose reply goes to the next step's channel, the last one's
// to spec.reply. The Sequence is addressed by its first channel.
package sequence
