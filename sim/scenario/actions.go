package scenario

import (
	servingv1 "github.com/knsim/knsim/system/apis/serving/v1"
)

// Action changes the world at a set time. Exactly one of its operations is
// set.
type Action struct {
	// At is when the action happens, from the start of the run.
	At Duration `json:"at"`

	// Apply applies more manifests (a new revision, a new service).
	Apply *Manifest `json:"apply,omitempty"`
	// PatchTraffic replaces a Knative Service's spec.traffic.
	PatchTraffic *PatchTraffic `json:"patchTraffic,omitempty"`
	// DeletePod deletes pods, as a crash or an eviction would.
	DeletePod *DeletePod `json:"deletePod,omitempty"`
	// CordonNode marks a node unschedulable; its pods keep running.
	CordonNode *NodeRef `json:"cordonNode,omitempty"`
	// KillNode stops a node: it goes NotReady and its pods are lost.
	KillNode *NodeRef `json:"killNode,omitempty"`
	// FailWorkload makes a service's containers answer with errors.
	FailWorkload *FailWorkload `json:"failWorkload,omitempty"`
	// SlowWorkload makes a service's containers slower.
	SlowWorkload *SlowWorkload `json:"slowWorkload,omitempty"`
	// RestartDispatcher restarts channel dispatchers: in-memory ones lose
	// the events they hold, durable ones redeliver them (see events.go).
	RestartDispatcher *RestartDispatcher `json:"restartDispatcher,omitempty"`
	// RestartControlPlane kills kube-apiserver and starts it again on the
	// same etcd (envtest only): the controllers ride it out.
	RestartControlPlane *RestartControlPlane `json:"restartControlPlane,omitempty"`
}

// actionKinds are the YAML names of Action's operations, in field order.
var actionKinds = []string{"apply", "patchTraffic", "deletePod", "cordonNode", "killNode", "failWorkload", "slowWorkload", "restartDispatcher", "restartControlPlane"}

// Kind names the action's operation, e.g. "killNode" ("" when none or
// several are set).
func (a *Action) Kind() string {
	kinds := a.kinds()
	if len(kinds) != 1 {
		return ""
	}
	return kinds[0]
}

func (a *Action) kinds() []string {
	set := []bool{a.Apply != nil, a.PatchTraffic != nil, a.DeletePod != nil, a.CordonNode != nil,
		a.KillNode != nil, a.FailWorkload != nil, a.SlowWorkload != nil, a.RestartDispatcher != nil,
		a.RestartControlPlane != nil}
	var out []string
	for i, ok := range set {
		if ok {
			out = append(out, actionKinds[i])
		}
	}
	return out
}

// PatchTraffic sets a Knative Service's traffic targets.
type PatchTraffic struct {
	// Service is the Knative Service, "name" or "namespace/name".
	Service string `json:"service" jsonschema:"required"`
	// Traffic replaces spec.traffic, as in the Service's YAML: revisionName
	// or latestRevision, percent (summing to 100) and tag.
	Traffic []servingv1.TrafficTarget `json:"traffic" jsonschema:"required"`
}

// DeletePod deletes a named pod, or Count pods of a service.
type DeletePod struct {
	// Service picks pods of this Knative Service ("name" or
	// "namespace/name"), the oldest first.
	Service string `json:"service,omitempty"`
	// Pod names one pod, "name" or "namespace/name".
	Pod string `json:"pod,omitempty"`
	// Count is how many of the service's pods to delete (default 1).
	Count int `json:"count,omitempty"`
}

// NodeRef names a node: <pool>-<n>, e.g. knsim-worker-2.
type NodeRef struct {
	// Node is the node's name.
	Node string `json:"node" jsonschema:"required"`
}

// FailWorkload makes a service's containers fail requests.
type FailWorkload struct {
	// Service is the Knative Service, "name" or "namespace/name".
	Service string `json:"service" jsonschema:"required"`
	// For is how long the failure lasts (0 = to the end of the run).
	For Duration `json:"for,omitzero"`
	// ErrorRate is the fraction of requests that fail, in (0, 1] (default 1).
	ErrorRate float64 `json:"errorRate,omitempty"`
	// Status is the HTTP status failed requests get, 400 to 599 (default 500).
	Status int `json:"status,omitempty"`
}

// SlowWorkload multiplies a service's service times.
type SlowWorkload struct {
	// Service is the Knative Service, "name" or "namespace/name".
	Service string `json:"service" jsonschema:"required"`
	// For is how long the slowdown lasts (0 = to the end of the run).
	For Duration `json:"for,omitzero"`
	// Factor multiplies each service time drawn, > 0 (2 = twice as slow).
	Factor float64 `json:"factor" jsonschema:"required"`
}

// RestartControlPlane kills kube-apiserver, as a crash would, and starts
// it again on the same etcd after Down. Controllers, informers and the
// cluster emulation keep running: their requests fail meanwhile, and they
// retry and resume their watches once it is back. The data planes (and so
// event delivery) do not need it. Only the envtest control plane has a
// kube-apiserver to restart.
type RestartControlPlane struct {
	// Down is how long kube-apiserver is away, in the run's time (default
	// 0s: started again at once).
	Down Duration `json:"down,omitzero"`
}

// validate checks a restartControlPlane action at at of a run of runFor:
// kube-apiserver must be back before the run ends, which reads its results
// from the control plane.
func (r *RestartControlPlane) validate(v *validator, path string, at, runFor Duration) {
	switch {
	case r.Down < 0:
		v.errorf(path+".down", "expected a duration >= 0, got %s", got(r.Down))
	case runFor > 0 && at+r.Down >= runFor:
		v.errorf(path+".down", "kube-apiserver would be down until %s, not before the end of the run (metadata.duration %s)", at+r.Down, runFor)
	}
}
