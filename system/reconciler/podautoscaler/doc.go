// Package podautoscaler reconciles PodAutoscalers: it reports a Revision's
// desired and actual scale and whether it is active. The KPA decider that
// chooses the scale plugs in here.
package podautoscaler
