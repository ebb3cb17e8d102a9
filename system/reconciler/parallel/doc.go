// Package parallel reconciles Parallels: an ingress channel that every event
// enters; per branch a channel, a filter Subscription from the ingress to
// the branch's filter replying into the branch channel (or, without a
// filter, subscribing the branch channel itself), and a Subscription from
// the branch channel to the subscriber replying to the branch's reply or
// spec.reply. The Parallel is addressed by its ingress channel.
//
// status.channels lists the ingress channel then the branch channels;
// status.subscriptions lists, per branch, the filter Subscription then the
// subscriber's.
package parallel
