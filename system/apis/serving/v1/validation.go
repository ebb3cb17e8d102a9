package v1

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	corev1 "k8s.io/api/core/v1"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/knsim/knsim/system/apis/autoscaling"
	"github.com/knsim/knsim/system/apis/fielderr"
)

// reservedPorts are taken by the queue-proxy sidecar in the user's pod.
var reservedPorts = []int32{8012, 8013, 8022, 9090, 9091}

// Validate checks a defaulted Service; paths are relative to the object root.
func (s *Service) Validate() *fielderr.FieldError {
	return ValidateObjectMetadata(s.ObjectMeta).Also(
		s.Spec.Template.validate(s.ObjectMeta).ViaField("spec", "template"),
		validateTraffic(s.Spec.Traffic, true),
		validateRolloutDuration(s.Annotations))
}

// ValidateUpdate validates s and refuses a template change that keeps a
// user-chosen revision name, which would otherwise clash with the existing
// immutable Revision of that name.
func (s *Service) ValidateUpdate(old *Service) *fielderr.FieldError {
	errs := s.Validate()
	if old != nil {
		errs = errs.Also(verifyNameChange(&old.Spec.Template, &s.Spec.Template))
	}
	return errs
}

// Validate checks a defaulted Configuration.
func (c *Configuration) Validate() *fielderr.FieldError {
	return ValidateObjectMetadata(c.ObjectMeta).Also(c.Spec.Template.validate(c.ObjectMeta).ViaField("spec", "template"))
}

// ValidateUpdate validates c and, as for a Service, requires a new revision
// name whenever a user-named template changes.
func (c *Configuration) ValidateUpdate(old *Configuration) *fielderr.FieldError {
	errs := c.Validate()
	if old != nil {
		errs = errs.Also(verifyNameChange(&old.Spec.Template, &c.Spec.Template))
	}
	return errs
}

// Validate checks a standalone Revision: its spec and autoscaling annotations.
func (r *Revision) Validate() *fielderr.FieldError {
	return ValidateObjectMetadata(r.ObjectMeta).Also(
		r.Spec.validate().ViaField("spec"), autoscaling.ValidateAnnotations(r.Annotations),
		validatePerRequest(r.Annotations, &r.Spec).ViaField("spec"))
}

// validatePerRequest refuses a containerConcurrency other than 1 on a
// revision whose class scales per request; paths are relative to the spec.
func validatePerRequest(ann map[string]string, rs *RevisionSpec) *fielderr.FieldError {
	class := ann[autoscaling.ClassAnnotationKey]
	if cc := rs.ContainerConcurrency; cc != nil && *cc != 1 && autoscaling.PerRequest(class) {
		return fielderr.ErrGeneric(fmt.Sprintf("must be 1 for %s %s, which scales per request (got %d)",
			autoscaling.ClassAnnotationKey, class, *cc), "containerConcurrency")
	}
	return nil
}

// ValidateUpdate validates r and refuses any change of its spec: a Revision
// is an immutable snapshot.
func (r *Revision) ValidateUpdate(old *Revision) *fielderr.FieldError {
	errs := r.Validate()
	if old == nil {
		return errs
	}
	switch d, err := diff(old.Spec, r.Spec); {
	case err != nil:
		errs = errs.Also(&fielderr.FieldError{Message: "Failed to diff Revision", Paths: []string{"spec"}, Details: err.Error()})
	case d != "":
		errs = errs.Also(fielderr.ErrDisallowedUpdate("spec", d))
	}
	return errs
}

// Validate checks a defaulted Route. Empty traffic is allowed, as in Knative.
func (r *Route) Validate() *fielderr.FieldError {
	return ValidateObjectMetadata(r.ObjectMeta).Also(
		validateTraffic(r.Spec.Traffic, false), validateRolloutDuration(r.Annotations))
}

// ValidateObjectMetadata checks a Serving object's name (or generateName)
// as Knative's webhook does: a DNS-1035 label of at most 63 characters,
// since the name becomes a label value and a Kubernetes Service name. A
// longer name would be admitted only to loop forever on the 63-byte limit
// of label values. The error reads as Knative's, e.g. "not a DNS 1035
// label: [must be no more than 63 characters]: metadata.name". An object
// with neither is left to the apiserver, which names it before admission
// or refuses it.
func ValidateObjectMetadata(m metav1.ObjectMeta) *fielderr.FieldError {
	if m.GenerateName != "" {
		if msgs := apivalidation.NameIsDNS1035Label(m.GenerateName, true); len(msgs) > 0 {
			return &fielderr.FieldError{Message: fmt.Sprintf("not a DNS 1035 label prefix: %v", msgs), Paths: []string{"metadata.generateName"}}
		}
	}
	if m.Name != "" {
		if msgs := apivalidation.NameIsDNS1035Label(m.Name, false); len(msgs) > 0 {
			return &fielderr.FieldError{Message: fmt.Sprintf("not a DNS 1035 label: %v", msgs), Paths: []string{"metadata.name"}}
		}
	}
	return nil
}

// validate checks a template against its parent's metadata; paths are
// relative to the template.
func (t *RevisionTemplateSpec) validate(parent metav1.ObjectMeta) *fielderr.FieldError {
	errs := t.Spec.validate().ViaField("spec").Also(autoscaling.ValidateAnnotations(t.Annotations),
		validatePerRequest(t.Annotations, &t.Spec).ViaField("spec"))
	if t.Name == "" {
		return errs
	}
	// The name becomes a Kubernetes Service name, hence DNS-1035.
	if msgs := validation.IsDNS1035Label(t.Name); len(msgs) > 0 {
		return errs.Also(fielderr.ErrInvalidValue(t.Name, "metadata.name", msgs...))
	}
	switch prefix := parent.Name + "-"; {
	case parent.Name != "" && !strings.HasPrefix(t.Name, prefix):
		errs = errs.Also(fielderr.ErrInvalidValue(fmt.Sprintf("%q must have prefix %q", t.Name, prefix), "metadata.name"))
	case parent.Name == "" && parent.GenerateName != "":
		// The prefix cannot be checked before the parent's name is generated.
		errs = errs.Also(fielderr.ErrDisallowedFields("metadata.name"))
	}
	return errs
}

// validate checks containers, concurrency and timeouts; paths are relative
// to the spec.
func (rs *RevisionSpec) validate() *fielderr.FieldError {
	errs := validateContainers(rs.Containers)
	if cc := rs.ContainerConcurrency; cc != nil && (*cc < 0 || *cc > MaxContainerConcurrency) {
		errs = errs.Also(fielderr.ErrOutOfBoundsValue(*cc, 0, MaxContainerConcurrency, "containerConcurrency"))
	}
	// 0 or unset means the default timeout; the other timeouts live within it.
	limit := DefaultTimeoutSeconds
	if ts := rs.TimeoutSeconds; ts != nil {
		if *ts < 0 || *ts > MaxTimeoutSeconds {
			errs = errs.Also(fielderr.ErrOutOfBoundsValue(*ts, 0, MaxTimeoutSeconds, "timeoutSeconds"))
		} else if *ts > 0 {
			limit = *ts
		}
	}
	for path, v := range map[string]*int64{
		"responseStartTimeoutSeconds": rs.ResponseStartTimeoutSeconds,
		"idleTimeoutSeconds":          rs.IdleTimeoutSeconds,
	} {
		if v != nil && (*v < 0 || *v > limit) {
			errs = errs.Also(fielderr.ErrOutOfBoundsValue(*v, 0, limit, path))
		}
	}
	return errs
}

// validateContainers requires images and a single serving port: with several
// containers exactly one must declare it, so the queue-proxy knows where to send.
func validateContainers(cs []corev1.Container) *fielderr.FieldError {
	if len(cs) == 0 {
		return fielderr.ErrMissingField("containers")
	}
	var errs *fielderr.FieldError
	ports := 0
	for i, c := range cs {
		if c.Image == "" {
			errs = errs.Also(fielderr.ErrMissingField("image").ViaFieldIndex("containers", i))
		}
		for j, p := range c.Ports {
			ports++
			errs = errs.Also(validatePort(p.ContainerPort).ViaFieldIndex("ports", j).ViaFieldIndex("containers", i))
		}
	}
	switch {
	case ports > 1:
		errs = errs.Also(&fielderr.FieldError{Message: "more than one container port is set",
			Paths: []string{"containers[*].ports"}, Details: "Only a single port is allowed across all containers"})
	case ports == 0 && len(cs) > 1:
		errs = errs.Also(&fielderr.FieldError{Message: "missing field(s)",
			Paths: []string{"containers[*].ports"}, Details: "Exactly one container must declare the port that receives requests"})
	}
	return errs
}

// validatePort accepts 0 (meaning DefaultUserPort) or a free TCP port.
func validatePort(port int32) *fielderr.FieldError {
	switch {
	case port < 0 || port > 65535:
		return fielderr.ErrOutOfBoundsValue(port, 0, 65535, "containerPort")
	case slices.Contains(reservedPorts, port):
		return &fielderr.FieldError{Message: fmt.Sprintf("%d is a reserved port", port), Paths: []string{"containerPort"},
			Details: fmt.Sprintf("%d is used by the queue-proxy, please use a different value", port)}
	}
	return nil
}

// validateTraffic checks a traffic list; in a Service every target belongs to
// the Service's own Configuration, so configurationName is not allowed.
func validateTraffic(traffic []TrafficTarget, inService bool) *fielderr.FieldError {
	if len(traffic) == 0 {
		return nil
	}
	var errs *fielderr.FieldError
	tags := map[string]int{}
	var sum int64
	for i := range traffic {
		tt := &traffic[i]
		errs = errs.Also(tt.validate(inService).ViaIndex(i))
		if tt.Percent != nil {
			sum += *tt.Percent
		}
		if tt.Tag == "" {
			continue
		}
		if j, ok := tags[tt.Tag]; ok {
			// A tag is a host name, so it can route to only one target.
			errs = errs.Also(fielderr.ErrGeneric(fmt.Sprintf("Multiple definitions for %q", tt.Tag),
				fmt.Sprintf("[%d].tag", i), fmt.Sprintf("[%d].tag", j)))
		} else {
			tags[tt.Tag] = i
		}
	}
	if sum != 100 {
		errs = errs.Also(fielderr.ErrGeneric(fmt.Sprintf("Traffic targets sum to %d, want 100", sum), ""))
	}
	return errs.ViaField("spec", "traffic")
}

// validate checks one target; paths are relative to it.
func (tt *TrafficTarget) validate(inService bool) *fielderr.FieldError {
	var errs *fielderr.FieldError
	// Undefaulted targets get the default sense: latest iff no revisionName.
	latest := tt.RevisionName == ""
	if tt.LatestRevision != nil {
		latest = *tt.LatestRevision
	}
	switch {
	case latest && tt.RevisionName != "":
		errs = fielderr.ErrGeneric(fmt.Sprintf("may not set revisionName %q when latestRevision is true", tt.RevisionName), "latestRevision")
	case !latest && tt.RevisionName == "":
		errs = &fielderr.FieldError{Message: "missing field(s)", Paths: []string{"revisionName"},
			Details: "latestRevision: false pins the target to a revisionName"}
	}
	switch {
	case inService && tt.ConfigurationName != "":
		errs = errs.Also(fielderr.ErrDisallowedFields("configurationName"))
	case tt.RevisionName != "" && tt.ConfigurationName != "":
		errs = errs.Also(fielderr.ErrMultipleOneOf("revisionName", "configurationName"))
	case tt.RevisionName != "":
		errs = errs.Also(validateObjectName(tt.RevisionName, "revisionName"))
	case tt.ConfigurationName != "":
		errs = errs.Also(validateObjectName(tt.ConfigurationName, "configurationName"))
	case !inService && latest:
		// A Route has no configuration of its own to follow.
		errs = errs.Also(fielderr.ErrMissingOneOf("revisionName", "configurationName"))
	}
	if tt.Percent != nil && (*tt.Percent < 0 || *tt.Percent > 100) {
		errs = errs.Also(fielderr.ErrOutOfBoundsValue(*tt.Percent, 0, 100, "percent"))
	}
	if tt.Tag != "" {
		// The tag becomes the first label of the tag's host name.
		if msgs := validation.IsDNS1035Label(tt.Tag); len(msgs) > 0 {
			errs = errs.Also(fielderr.ErrInvalidValue(tt.Tag, "tag", msgs...))
		}
	}
	if tt.URL != "" {
		errs = errs.Also(fielderr.ErrDisallowedFields("url"))
	}
	return errs
}

func validateObjectName(name, path string) *fielderr.FieldError {
	if msgs := validation.IsDNS1123Subdomain(name); len(msgs) > 0 {
		return fielderr.ErrInvalidValue(name, path, msgs...)
	}
	return nil
}

// validateRolloutDuration checks serving.knative.dev/rollout-duration: a
// non-negative duration in whole seconds, the granularity of rollout steps.
func validateRolloutDuration(annotations map[string]string) *fielderr.FieldError {
	v, ok := annotations[RolloutDurationKey]
	if !ok {
		return nil
	}
	path := "metadata.annotations." + RolloutDurationKey
	switch d, err := time.ParseDuration(v); {
	case err != nil || d < 0:
		return fielderr.ErrInvalidValue(v, path)
	case d.Truncate(time.Second) != d:
		return fielderr.ErrGeneric("must be specified with at most second precision", path)
	}
	return nil
}

// verifyNameChange fails when a user-named template changed but kept its
// name, since that name is already taken by the previous Revision.
func verifyNameChange(old, cur *RevisionTemplateSpec) *fielderr.FieldError {
	if cur.Name == "" || cur.Name != old.Name {
		return nil
	}
	const path = "spec.template.metadata.name"
	switch d, err := diff(*old, *cur); {
	case err != nil:
		return &fielderr.FieldError{Message: "Failed to diff RevisionTemplate", Paths: []string{path}, Details: err.Error()}
	case d != "":
		return &fielderr.FieldError{Message: "Saw the following changes without a name change (-old +new)",
			Paths: []string{path}, Details: d}
	}
	return nil
}

// diff is cmp.Diff treating nil and empty alike (a JSON round trip turns one
// into the other); cmp panics on types it cannot compare, so recover.
func diff(old, cur any) (d string, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("diff: %v", r)
		}
	}()
	return cmp.Diff(old, cur, cmpopts.EquateEmpty()), nil
}
