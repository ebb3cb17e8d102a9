package cluster

import (
	"strconv"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
)

// imageCache is one node's images: when each is, or will be, present. An
// image appears when its first pull starts and stays until the node dies.
type imageCache map[string]time.Time

// pull returns when all images are present for a pod that needs them at now.
// Images are pulled in parallel. A missing image starts a pull lasting
// fresh(image); an image already present costs cached; an image still being
// pulled for another pod is ready when that pull ends.
func (ic imageCache) pull(images []string, now time.Time, fresh func(image string) time.Duration, cached time.Duration) time.Time {
	done := now
	for _, img := range images {
		at, ok := ic[img]
		switch {
		case !ok:
			at = now.Add(fresh(img))
			ic[img] = at
		case !at.After(now):
			at = now.Add(cached)
		}
		if at.After(done) {
			done = at
		}
	}
	return done
}

// podImages lists the distinct images of a pod's containers, init containers first.
func podImages(spec *corev1.PodSpec) []string {
	var out []string
	seen := map[string]bool{}
	for _, cs := range [][]corev1.Container{spec.InitContainers, spec.Containers} {
		for _, c := range cs {
			if !seen[c.Image] {
				seen[c.Image] = true
				out = append(out, c.Image)
			}
		}
	}
	return out
}

// stagePlan is how long each kubelet stage of one pod lasts, from binding.
type stagePlan struct {
	imagePull, containerStart, readiness time.Duration
}

// planLocked draws the stages of pod key bound to n at now and books its
// image pulls in n's cache; c.mu must be held. A fresh pull's length depends
// only on the seed, the node (and its incarnation) and the image, so the
// pod that happens to pull first does not change the timeline.
func (c *Cluster) planLocked(key types.NamespacedName, n *node, spec *corev1.PodSpec, now time.Time) stagePlan {
	cached := c.cfg.CachedImagePull.Sample(c.stream(key.Namespace, key.Name, "cached-image-pull"))
	epoch := strconv.Itoa(n.epoch)
	done := n.images.pull(podImages(spec), now, func(img string) time.Duration {
		return c.cfg.ImagePull.Sample(c.stream(n.name, epoch, img, "image-pull"))
	}, cached)
	return stagePlan{
		imagePull:      done.Sub(now),
		containerStart: c.cfg.ContainerStart.Sample(c.stream(key.Namespace, key.Name, "container-start")),
		readiness:      c.cfg.Readiness.Sample(c.stream(key.Namespace, key.Name, "readiness")),
	}
}

// annotate records the plan of a pod bound at scheduled in its timeline
// annotations.
func (p stagePlan) annotate(pod *corev1.Pod, scheduled time.Time) {
	pulled := scheduled.Add(p.imagePull)
	started := pulled.Add(p.containerStart)
	setAnnotation(pod, ScheduledAtAnnotation, formatTime(scheduled))
	setAnnotation(pod, PulledAtAnnotation, formatTime(pulled))
	setAnnotation(pod, StartedAtAnnotation, formatTime(started))
	setAnnotation(pod, ReadyAtAnnotation, formatTime(started.Add(p.readiness)))
}

// adoptPlan plans the stages of a pod found bound without a plan, as if it
// had been bound at now.
func (c *Cluster) adoptPlan(key types.NamespacedName, nodeName string, spec *corev1.PodSpec, now time.Time) stagePlan {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := c.nodes[nodeName]
	if n == nil {
		return stagePlan{}
	}
	return c.planLocked(key, n, spec, now)
}
