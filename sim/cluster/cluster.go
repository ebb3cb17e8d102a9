package cluster

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/utils/clock"
)

// Config describes the emulated cluster.
type Config struct {
	// Clock drives pod start-up and requeues.
	Clock clock.WithTickerAndDelayedExecution
	// Nodes is the number of worker nodes (default 3).
	Nodes int
	// NodeCPU and NodeMemory are each node's allocatable capacity
	// (defaults 8 CPU, 32Gi).
	NodeCPU, NodeMemory resource.Quantity
	// PodStartup is the delay from scheduling to Ready (default 1s).
	PodStartup time.Duration
}

// Cluster is the emulated scheduler, kubelets and Deployment controller.
type Cluster struct {
	cfg Config

	mu       sync.Mutex
	ordinals map[string]int // next pod ordinal per Deployment (namespace/name)
	podSeq   int            // cluster-wide pod count, for node placement and IPs
}

// New validates cfg, fills defaults and returns a Cluster.
func New(cfg Config) (*Cluster, error) {
	if cfg.Clock == nil {
		return nil, errors.New("cluster: Clock is required")
	}
	if cfg.Nodes < 0 {
		return nil, fmt.Errorf("cluster: Nodes must be >= 0, got %d", cfg.Nodes)
	}
	if cfg.PodStartup < 0 {
		return nil, fmt.Errorf("cluster: PodStartup must be >= 0, got %s", cfg.PodStartup)
	}
	if cfg.Nodes == 0 {
		cfg.Nodes = 3
	}
	if cfg.NodeCPU.IsZero() {
		cfg.NodeCPU = resource.MustParse("8")
	}
	if cfg.NodeMemory.IsZero() {
		cfg.NodeMemory = resource.MustParse("32Gi")
	}
	if cfg.PodStartup == 0 {
		cfg.PodStartup = time.Second
	}
	return &Cluster{cfg: cfg, ordinals: map[string]int{}}, nil
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
