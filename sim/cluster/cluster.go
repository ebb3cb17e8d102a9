package cluster

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/utils/clock"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/knsim/knsim/sim/distribution"
)

// Defaults of Config.
const (
	// DefaultNodes is the size of the default node pool.
	DefaultNodes = 3
	// DefaultPoolName prefixes the default pool's node names.
	DefaultPoolName = "knsim-worker"
	// DefaultMaxPods is a node's pod capacity, as the kubelet's default.
	DefaultMaxPods = 110
	// DefaultDrain is how long a pod leaving on scale-down stays NotReady
	// before it is deleted.
	DefaultDrain = time.Second
	// DefaultMaxPendingPods is how many unscheduled (Pending) pods the
	// emulation keeps per Deployment beyond those the nodes can take.
	DefaultMaxPendingPods = 500
	// BurstReplicas is the most pods one reconcile of a Deployment creates
	// in the manager-run emulation, as the ReplicaSet controller's
	// burstReplicas; the creates go in slow-start batches of 1, 2, 4, ...
	// (see slowStart).
	BurstReplicas = 500
)

// Default stage distributions: a first pod on a node takes 1s to become
// Ready, later pods of the same images 500ms.
var (
	DefaultImagePull       = distribution.ConstantDuration(500 * time.Millisecond)
	DefaultCachedImagePull = distribution.ConstantDuration(0)
	DefaultContainerStart  = distribution.ConstantDuration(300 * time.Millisecond)
	DefaultReadiness       = distribution.ConstantDuration(200 * time.Millisecond)
)

// Config describes the emulated cluster. The zero value of every field but
// Clock has a default.
type Config struct {
	// Clock is the time every stage is planned and stamped on; nothing
	// reads the wall clock. SetupWithManager runs requeues on it too when
	// it can schedule (the engine's virtual clock and the real clock can).
	Clock clock.PassiveClock
	// Seed seeds every random draw: the same seed and the same inputs give
	// the same timeline. Draws come from streams derived from the seed and
	// the pod, node and image names, so they do not depend on the order in
	// which reconciles happen to run.
	Seed uint64

	// NodePools lists the nodes. When empty, one pool named DefaultPoolName
	// of Nodes nodes with NodeCPU and NodeMemory each.
	NodePools []NodePool
	// Nodes is the default pool's size (default DefaultNodes).
	Nodes int
	// NodeCPU and NodeMemory size the default pool's nodes (defaults 8 CPU,
	// 32Gi).
	NodeCPU, NodeMemory resource.Quantity

	// Policy scores the nodes a pod fits on (default Spread).
	Policy Policy

	// ImagePull is the time to pull an image a node does not have yet.
	ImagePull distribution.Distribution
	// CachedImagePull is the time to "pull" an image already on the node.
	CachedImagePull distribution.Distribution
	// ContainerStart is the time from images present to containers running.
	ContainerStart distribution.Distribution
	// Readiness is the time from containers running to the pod Ready.
	Readiness distribution.Distribution
	// PodStartup, when set, is the first emulation's single start-up delay:
	// it becomes ContainerStart's default and zeroes the defaults of the
	// other stages. Stages set explicitly win.
	PodStartup time.Duration

	// Drain is how long a pod chosen by a scale-down stays NotReady before
	// it is deleted, bounded by its terminationGracePeriodSeconds (default
	// DefaultDrain; point at 0 to delete at once).
	Drain *time.Duration

	// MaxPendingPods bounds the unscheduled pods of one Deployment (default
	// DefaultMaxPendingPods, at least 1). A scale-up creates the pods the
	// nodes can take now plus at most this many that stay Pending; the
	// rest are created as capacity frees (a pod goes, a node comes or is
	// uncordoned). Kubernetes' ReplicaSet controller would create them all
	// Pending; the bound keeps a huge replica count from filling the
	// apiserver and memory with pods that cannot run.
	MaxPendingPods int

	// OnPodEvent, when set, is told of every pod lifecycle transition. Calls
	// are serialized; it must be quick and must not call back into Cluster.
	OnPodEvent func(PodEvent)
}

// NodePool is a group of identical nodes.
type NodePool struct {
	// Name prefixes the node names: <Name>-1 ... <Name>-<Count>. It must be
	// unique; when empty the first pool is DefaultPoolName.
	Name string `json:"name,omitempty"`
	// Count is the number of nodes (at least 1).
	Count int `json:"count"`
	// CPU and Memory are each node's capacity (defaults 8 and 32Gi).
	CPU    resource.Quantity `json:"cpu,omitempty"`
	Memory resource.Quantity `json:"memory,omitempty"`
	// MaxPods is each node's pod capacity (default DefaultMaxPods).
	MaxPods int `json:"maxPods,omitempty"`
	// Labels are added to the nodes' standard labels.
	Labels map[string]string `json:"labels,omitempty"`
}

// Cluster is the emulated scheduler, kubelets and Deployment controller.
type Cluster struct {
	cfg        Config
	drain      time.Duration
	maxPending int

	client client.Client // the manager's client, set by SetupWithManager
	reader client.Reader // reads straight from the apiserver

	mu       sync.Mutex
	nodes    map[string]*node
	order    []string // node names in creation order
	pods     map[types.NamespacedName]boundPod
	pending  map[types.NamespacedName]bool // Deployments with unscheduled pods
	ordinals map[string]int                // next pod ordinal per Deployment (namespace/name)
	// gone holds the UIDs of Deployments deleted, or being deleted, whose
	// pods are not collected yet: a reconcile creating pods for one stops
	// (see slowStart).
	gone   map[types.NamespacedName]types.UID
	podSeq int // cluster-wide pod count
	// changes counts changes of the ledger and the nodes, so that a pod
	// that did not fit is retried only when the answer may differ.
	changes uint64

	eventMu sync.Mutex

	fresh  *podFreshness // the manager-run emulation's pod lists (see podFreshness)
	rounds *rounds       // the manager-run emulation's scheduling rounds, nil when off
}

// New validates cfg, fills defaults and returns a Cluster.
func New(cfg Config) (*Cluster, error) {
	if cfg.Clock == nil {
		return nil, errors.New("cluster: Clock is required")
	}
	if err := cfg.defaultAndValidate(); err != nil {
		return nil, fmt.Errorf("cluster: %w", err)
	}
	c := &Cluster{
		cfg:        cfg,
		drain:      *cfg.Drain,
		maxPending: cfg.MaxPendingPods,
		gone:       map[types.NamespacedName]types.UID{},
		nodes:      map[string]*node{},
		pods:       map[types.NamespacedName]boundPod{},
		pending:    map[types.NamespacedName]bool{},
		ordinals:   map[string]int{},
		fresh:      &podFreshness{},
	}
	for _, pool := range cfg.NodePools {
		for i := range pool.Count {
			c.addNode(newNode(pool, i, len(c.order)))
		}
	}
	return c, nil
}

func (cfg *Config) defaultAndValidate() error {
	if cfg.Nodes < 0 {
		return fmt.Errorf("Nodes must be >= 0, got %d", cfg.Nodes)
	}
	if cfg.PodStartup < 0 {
		return fmt.Errorf("PodStartup must be >= 0, got %s", cfg.PodStartup)
	}
	switch {
	case cfg.MaxPendingPods < 0:
		return fmt.Errorf("MaxPendingPods must be >= 1 (0 for the default %d), got %d", DefaultMaxPendingPods, cfg.MaxPendingPods)
	case cfg.MaxPendingPods == 0:
		cfg.MaxPendingPods = DefaultMaxPendingPods
	}
	if len(cfg.NodePools) == 0 {
		cfg.NodePools = []NodePool{{Name: DefaultPoolName, Count: cmpOr(cfg.Nodes, DefaultNodes), CPU: cfg.NodeCPU, Memory: cfg.NodeMemory}}
	} else if cfg.Nodes != 0 || !cfg.NodeCPU.IsZero() || !cfg.NodeMemory.IsZero() {
		return errors.New("set either NodePools or Nodes/NodeCPU/NodeMemory, not both")
	}
	pools := make([]NodePool, len(cfg.NodePools))
	seen := map[string]bool{}
	for i, p := range cfg.NodePools {
		if err := p.defaultAndValidate(i); err != nil {
			return fmt.Errorf("NodePools[%d]: %w", i, err)
		}
		if seen[p.Name] {
			return fmt.Errorf("NodePools[%d]: duplicate name %q", i, p.Name)
		}
		seen[p.Name] = true
		pools[i] = p
	}
	cfg.NodePools = pools

	switch cfg.Policy {
	case "":
		cfg.Policy = Spread
	case Spread, BinPack:
	default:
		return fmt.Errorf("unknown Policy %q (want %s or %s)", cfg.Policy, Spread, BinPack)
	}

	defaults := [4]distribution.Distribution{DefaultImagePull, DefaultCachedImagePull, DefaultContainerStart, DefaultReadiness}
	if cfg.PodStartup > 0 {
		defaults = [4]distribution.Distribution{distribution.ConstantDuration(0), distribution.ConstantDuration(0), distribution.ConstantDuration(cfg.PodStartup), distribution.ConstantDuration(0)}
	}
	stages := [4]*distribution.Distribution{&cfg.ImagePull, &cfg.CachedImagePull, &cfg.ContainerStart, &cfg.Readiness}
	names := [4]string{"ImagePull", "CachedImagePull", "ContainerStart", "Readiness"}
	for i, d := range stages {
		if d.IsZero() {
			*d = defaults[i]
		}
		if err := d.Validate(); err != nil {
			return fmt.Errorf("%s: %w", names[i], err)
		}
	}

	if cfg.Drain == nil {
		d := DefaultDrain
		cfg.Drain = &d
	} else if *cfg.Drain < 0 {
		return fmt.Errorf("Drain must be >= 0, got %s", *cfg.Drain)
	}
	return nil
}

func (p *NodePool) defaultAndValidate(i int) error {
	if p.Name == "" && i == 0 {
		p.Name = DefaultPoolName
	}
	if p.Name == "" {
		return errors.New("name is required")
	}
	if errs := validation.IsDNS1123Subdomain(p.Name + "-1"); len(errs) > 0 {
		return fmt.Errorf("name %q does not make valid node names: %s", p.Name, errs[0])
	}
	if p.Count < 1 {
		return fmt.Errorf("count must be >= 1, got %d", p.Count)
	}
	if p.CPU.IsZero() {
		p.CPU = resource.MustParse("8")
	}
	if p.Memory.IsZero() {
		p.Memory = resource.MustParse("32Gi")
	}
	if p.CPU.Sign() < 0 || p.Memory.Sign() < 0 {
		return fmt.Errorf("cpu and memory must be positive, got %s and %s", p.CPU.String(), p.Memory.String())
	}
	if p.MaxPods == 0 {
		p.MaxPods = DefaultMaxPods
	}
	if p.MaxPods < 0 {
		return fmt.Errorf("maxPods must be >= 0, got %d", p.MaxPods)
	}
	return nil
}

func cmpOr(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

// nextPod reserves the next ordinal for a Deployment (never below minNext, so
// names stay unique after a restart) and a cluster-wide sequence number.
func (c *Cluster) nextPod(deployment string, minNext int) (ordinal, seq int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ordinals[deployment] < minNext {
		c.ordinals[deployment] = minNext
	}
	ordinal = c.ordinals[deployment]
	c.ordinals[deployment]++
	seq = c.podSeq
	c.podSeq++
	return ordinal, seq
}

// stream returns a random stream for one draw site, derived from the seed and
// the names that identify it (pod and stage, or node and image).
func (c *Cluster) stream(names ...string) *rand.Rand {
	h := hash(names...)
	return rand.New(rand.NewPCG(mix(c.cfg.Seed^mix(h)), mix(h^mix(c.cfg.Seed+0x9e3779b97f4a7c15))))
}

// mix is SplitMix64's finaliser: it decorrelates nearby seeds and hashes.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}
