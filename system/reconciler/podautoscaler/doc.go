// Package podautoscaler reconciles PodAutoscalers: it reports a Revision's
// desired and actual scale and whether it is active. The deciders that
// choose the scale run in a multiscaler.Multiscaler, which this controller
// creates, feeds with each revision's spec and reads.
package podautoscaler
