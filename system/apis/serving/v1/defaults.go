package v1

import (
	"strconv"

	"k8s.io/utils/ptr"

	"github.com/knsim/knsim/system/apis/autoscaling"
)

// SetDefaults fills in a Service as Knative's defaulting webhook does.
func (s *Service) SetDefaults() {
	s.Spec.Template.SetDefaults()
	if len(s.Spec.Traffic) == 0 {
		s.Spec.Traffic = []TrafficTarget{{Percent: ptr.To[int64](100), LatestRevision: ptr.To(true)}}
	}
	defaultTraffic(s.Spec.Traffic)
}

// SetDefaults fills in a Configuration's template.
func (c *Configuration) SetDefaults() { c.Spec.Template.SetDefaults() }

// SetDefaults fills in each traffic target's latestRevision.
func (r *Route) SetDefaults() { defaultTraffic(r.Spec.Traffic) }

// SetDefaults fills in a Revision's spec.
func (r *Revision) SetDefaults() {
	perRequestConcurrency(r.Annotations, &r.Spec)
	r.Spec.SetDefaults()
}

// SetDefaults fills in the template's Revision spec.
func (t *RevisionTemplateSpec) SetDefaults() {
	perRequestConcurrency(t.Annotations, &t.Spec)
	t.Spec.SetDefaults()
}

// perRequestConcurrency gives a revision of a class that scales per
// request (knsim's keep-alive and hybrid policies) containerConcurrency 1
// when it sets none: one request per instance is what those policies
// model, and the activator then hands each request to an idle instance or
// holds it until a new one is up.
func perRequestConcurrency(ann map[string]string, rs *RevisionSpec) {
	if rs.ContainerConcurrency == nil && autoscaling.PerRequest(ann[autoscaling.ClassAnnotationKey]) {
		rs.ContainerConcurrency = ptr.To[int64](1)
	}
}

// SetDefaults applies Knative's config-defaults: unlimited concurrency, a 300 s
// timeout, and the user container's well-known name.
func (rs *RevisionSpec) SetDefaults() {
	if rs.ContainerConcurrency == nil {
		rs.ContainerConcurrency = ptr.To[int64](0)
	}
	if rs.TimeoutSeconds == nil {
		rs.TimeoutSeconds = ptr.To(DefaultTimeoutSeconds)
	}
	if rs.EnableServiceLinks == nil {
		rs.EnableServiceLinks = ptr.To(false)
	}
	for i := range rs.Containers {
		if rs.Containers[i].Name != "" {
			continue
		}
		if len(rs.Containers) == 1 {
			rs.Containers[i].Name = UserContainerName
		} else {
			rs.Containers[i].Name = UserContainerName + "-" + strconv.Itoa(i)
		}
	}
}

// defaultTraffic sets latestRevision to true exactly when no revisionName is given.
func defaultTraffic(tt []TrafficTarget) {
	for i := range tt {
		if tt[i].LatestRevision == nil {
			tt[i].LatestRevision = ptr.To(tt[i].RevisionName == "")
		}
	}
}
