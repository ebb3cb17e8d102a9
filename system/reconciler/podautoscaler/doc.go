// Package podautoscaler reconciles PodAutoscalers: it reports a Revision's
// desired and actual scale and whether it is active. The deciders that
// choose the scale run in a multiscaler.Multiscaler, which this controller
// creates, feeds with each revision's spec and reads. Revisions of a class
// registered in policy.Default (knsim's keep-alive and hybrid policies, or
// a user's) follow their policy (policyclass.go), which may name pods to
// remove: they get the lowest controller.kubernetes.io/pod-deletion-cost
// before the Deployment is scaled down.
package podautoscaler
