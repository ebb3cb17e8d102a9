// Package reserve models reserve instances (Alibaba Cloud ACK/ASK Knative):
// instead of scaling to zero, an idle service keeps a few low-cost "reserve"
// pods; the first request is served by them while standard pods start; once
// a standard pod is ready new requests go to it and the reserve pods
// terminate after finishing the requests they hold.
//
// Annotations on the Service (see autoscaling.ReserveInstance*Key):
//
//	knative.aliyun.com/reserve-instance: "enable"       (or "disable"; required to turn it on)
//	knative.aliyun.com/reserve-instance-type: "eci"     (eci by default; ecs, acs)
//	knative.aliyun.com/reserve-instance-replicas: "1"   (1 by default; at least 1)
//
// Spec holds the parsed annotations; Reserve is the state machine, a pure
// type whose methods take the time and the event:
//
//	Standard --standard scaled to 0--> Reserved   (reserve pods kept)
//	Reserved --request--> Waking                   (reserve serves, standard pods created)
//	Waking   --standard pod ready--> Handover      (new requests to standard)
//	Handover --reserve drained--> Standard         (reserve pods terminate)
//
// Scaling the standard pods back to zero from Waking or Handover returns to
// Reserved.
package reserve
