package scenario

import (
	"path/filepath"

	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/knsim/knsim/sim/distribution"
)

// Scenario is one scenario file: what to deploy, on what cluster, under
// what traffic and actions, and what must hold at the end.
type Scenario struct {
	// Metadata names the scenario and sets its seed, length and mode.
	Metadata Metadata `json:"metadata" jsonschema:"required"`
	// Cluster models the nodes and the pod lifecycle.
	Cluster Cluster `json:"cluster,omitzero"`
	// Workloads models the user containers, keyed by Knative Service
	// ("name" in namespace default, or "namespace/name").
	Workloads map[string]Workload `json:"workloads,omitempty"`
	// Manifests are applied, in order, before traffic starts.
	Manifests []Manifest `json:"manifests,omitempty"`
	// Traffic lists the request generators.
	Traffic []Traffic `json:"traffic,omitempty"`
	// Events lists the event workloads: CloudEvents sent to brokers,
	// channels, sequences and parallels (see events.go).
	Events []EventWorkload `json:"events,omitempty"`
	// Subscribers models how the Knative Services that receive events
	// behave, keyed by Knative Service ("name" or "namespace/name").
	Subscribers map[string]Subscriber `json:"subscribers,omitempty"`
	// Producers model what the containers of ContainerSources do, keyed
	// by container image: the events each Ready pod of a ContainerSource
	// with that image sends to the source's sink (see producers.go).
	Producers map[string]Producer `json:"producers,omitempty"`
	// Actions change the world at set times.
	Actions []Action `json:"actions,omitempty"`
	// Prices turn resource use into cost.
	Prices Prices `json:"prices,omitzero"`
	// Expect lists expectations, checked when the run ends, in the
	// language of package sim/expect, e.g. "latency.p99 < 250ms".
	Expect []string `json:"expect,omitempty"`

	// File is the path the scenario was loaded from ("" when built in
	// code); error messages name it.
	File string `json:"-"`
	// Dir is the folder that relative paths (manifest, trace) are resolved
	// against; "" means the working directory.
	Dir string `json:"-"`
	// Limits are the limits the scenario was loaded with (LoadWith); the
	// zero value is the default.
	Limits Limits `json:"-"`
}

// Path resolves a path written in the scenario against Dir.
func (s *Scenario) Path(rel string) string {
	if rel == "" || filepath.IsAbs(rel) || s.Dir == "" {
		return rel
	}
	return filepath.Join(s.Dir, rel)
}

// Metadata names a scenario and says how to run it.
type Metadata struct {
	// Name identifies the scenario in results and reports: a DNS-1123 label
	// (lowercase letters, digits and '-', at most 63).
	Name string `json:"name" jsonschema:"required"`
	// Description says what the scenario shows, for people.
	Description string `json:"description,omitempty"`
	// Seed seeds every random draw; the same scenario and seed give the same
	// results. 0 means the default, 1.
	Seed uint64 `json:"seed,omitempty"`
	// Duration is how long the run lasts in (virtual) time, e.g. "90s"; at
	// most 744h (31 days) unless knsim run --max-duration raises it.
	Duration Duration `json:"duration" jsonschema:"required"`
	// Labels become Ginkgo labels of the scenario's spec, for
	// --label-filter.
	Labels []string `json:"labels,omitempty"`
	// Mode is virtual (default: simulated time and data plane) or real (wall
	// clock and real HTTP).
	Mode Mode `json:"mode,omitempty" jsonschema:"enum=virtual,enum=real"`
	// ControlPlane is envtest (default: a real kube-apiserver and etcd) or
	// memory (an in-memory store; virtual mode only).
	ControlPlane ControlPlane `json:"controlPlane,omitempty" jsonschema:"enum=envtest,enum=memory"`
}

// Mode says how time and the data plane run.
type Mode string

// The modes.
const (
	// Virtual runs on the simulator's virtual clock with simulated requests.
	Virtual Mode = "virtual"
	// Real runs on the wall clock with real HTTP on loopback.
	Real Mode = "real"
)

// ControlPlane says where the Kubernetes objects live.
type ControlPlane string

// The control planes.
const (
	// Envtest runs a real kube-apiserver and etcd.
	Envtest ControlPlane = "envtest"
	// Memory keeps objects in an in-memory store, reconciled to a fixpoint.
	Memory ControlPlane = "memory"
)

// Cluster models the emulated cluster.
type Cluster struct {
	// Nodes lists the node pools (default: one pool of 3 nodes of 8 CPU and
	// 32Gi, knsim-worker-1 to knsim-worker-3).
	Nodes []NodePool `json:"nodes,omitempty"`
	// Scheduling is how the scheduler picks among nodes that fit: spread
	// (default: the least allocated node) or binpack (the most allocated).
	Scheduling Scheduling `json:"scheduling,omitempty" jsonschema:"enum=spread,enum=binpack"`
	// Pods are the durations of the pod lifecycle stages.
	Pods PodStages `json:"pods,omitzero"`
	// Network is the simulated data plane's network.
	Network Network `json:"network,omitzero"`
}

// Network is the simulated data plane's network between its hops (client
// -> gateway -> activator -> queue-proxy and back). Real mode uses the
// real loopback network instead.
type Network struct {
	// Hop is each hop's one-way latency (default 500us). It must be
	// positive; use 1us for a network that hardly counts.
	Hop Duration `json:"hop,omitzero"`
}

// Scheduling is a node scoring policy.
type Scheduling string

// The scheduling policies.
const (
	// Spread prefers the least allocated node.
	Spread Scheduling = "spread"
	// BinPack prefers the most allocated node that fits.
	BinPack Scheduling = "binpack"
)

// NodePool is a group of identical nodes, named <name>-1 ... <name>-<count>.
type NodePool struct {
	// Name prefixes the node names; unique among pools (default
	// "knsim-worker" for the first pool; required for the others).
	Name string `json:"name,omitempty"`
	// Count is the number of nodes, at least 1; all pools together have at
	// most 5000 (MaxNodes).
	Count int `json:"count" jsonschema:"required,minimum=1,maximum=5000"`
	// CPU is each node's CPU capacity, a Kubernetes quantity such as 8 or
	// 7500m (default 8).
	CPU resource.Quantity `json:"cpu,omitzero"`
	// Memory is each node's memory capacity, e.g. 32Gi (default 32Gi).
	Memory resource.Quantity `json:"memory,omitzero"`
	// MaxPods is how many pods each node admits, as the kubelet's
	// --max-pods (default 110); a pod that finds every node full stays
	// Pending with "Too many pods".
	MaxPods int `json:"maxPods,omitempty"`
	// Labels are added to the nodes' labels.
	Labels map[string]string `json:"labels,omitempty"`
}

// PodStages are the durations of a pod's way from scheduled to Ready, and
// of its drain on scale-down.
type PodStages struct {
	// ImagePull is the time to pull an image the node lacks (default 500ms).
	ImagePull distribution.Distribution `json:"imagePull,omitzero"`
	// CachedImagePull is the time to "pull" an image the node has (default 0s).
	CachedImagePull distribution.Distribution `json:"cachedImagePull,omitzero"`
	// ContainerStart is the time from images present to containers running
	// (default 300ms).
	ContainerStart distribution.Distribution `json:"containerStart,omitzero"`
	// Readiness is the time from containers running to the pod Ready
	// (default 200ms).
	Readiness distribution.Distribution `json:"readiness,omitzero"`
	// Drain is how long a pod picked for scale-down stays NotReady before it
	// is deleted (default 1s).
	Drain distribution.Distribution `json:"drain,omitzero"`
}

// Workload models a Knative Service's user container.
type Workload struct {
	// ServiceTime is how long the container takes to answer one request
	// when it has the capacity (default 100ms).
	ServiceTime distribution.Distribution `json:"serviceTime,omitzero"`
	// ColdStartExtra is added to the first request a new pod serves, on top
	// of ServiceTime: a runtime warming up (default 0s).
	ColdStartExtra distribution.Distribution `json:"coldStartExtra,omitzero"`
	// MaxInFlight is how many requests the container works on at once; more
	// wait in the container (0 = unlimited).
	MaxInFlight int `json:"maxInFlight,omitempty"`
	// CPUPerRequest is the CPU each in-flight request uses, e.g. 100m.
	CPUPerRequest resource.Quantity `json:"cpuPerRequest,omitzero"`
	// MemoryPerRequest is the memory each in-flight request uses, e.g. 16Mi.
	MemoryPerRequest resource.Quantity `json:"memoryPerRequest,omitzero"`
	// MemoryBase is the memory an idle container uses, e.g. 64Mi.
	MemoryBase resource.Quantity `json:"memoryBase,omitzero"`
}

// Manifest is Kubernetes YAML as users write it (one or more documents),
// from a file or inline; exactly one of File and Inline is set.
type Manifest struct {
	// File is a YAML file, relative to the scenario file.
	File string `json:"file,omitempty"`
	// Inline is the YAML itself.
	Inline string `json:"inline,omitempty"`

	// Objects are the decoded documents, filled by Load, Parse and
	// LoadManifests.
	Objects []*unstructured.Unstructured `json:"-"`
}

// Prices turn resource use into money, in any currency.
type Prices struct {
	// VCPUSecond is the price of one vCPU requested for one second.
	VCPUSecond float64 `json:"vcpuSecond,omitempty"`
	// GiBSecond is the price of one GiB of memory requested for one second.
	GiBSecond float64 `json:"gibSecond,omitempty"`
	// Request is the price of one request.
	Request float64 `json:"request,omitempty"`
}
