package v1

import (
	"strconv"

	"k8s.io/utils/ptr"
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
func (r *Revision) SetDefaults() { r.Spec.SetDefaults() }

// SetDefaults fills in the template's Revision spec.
func (t *RevisionTemplateSpec) SetDefaults() { t.Spec.SetDefaults() }

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
