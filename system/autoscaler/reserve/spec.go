package reserve

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/knsim/knsim/system/apis/autoscaling"
)

// Type is the kind of compute a reserve instance runs on.
type Type string

// Reserve instance types.
const (
	// TypeECI is an elastic container instance (the default).
	TypeECI Type = "eci"
	// TypeECS is an elastic compute service instance.
	TypeECS Type = "ecs"
	// TypeACS is an ACS container compute instance.
	TypeACS Type = "acs"
)

// Spec is a Service's reserve-instance configuration.
type Spec struct {
	// Enabled turns reserve instances on.
	Enabled bool
	// Type is the reserve instances' kind.
	Type Type
	// Replicas is how many reserve instances are kept while idle.
	Replicas int32
}

// FromAnnotations parses the reserve-instance annotations, defaulting type
// to eci and replicas to 1. Type and replicas are validated even when the
// feature is off, so a typo does not wait for it to be turned on. Errors
// name the annotation.
func FromAnnotations(ann map[string]string) (Spec, error) {
	s := Spec{Type: TypeECI, Replicas: 1}
	if v, ok := ann[autoscaling.ReserveInstanceKey]; ok {
		switch strings.ToLower(strings.TrimSpace(v)) {
		case "enable", "enabled", "true":
			s.Enabled = true
		case "disable", "disabled", "false", "":
		default:
			return Spec{}, fmt.Errorf("%s: %q: want \"enable\" or \"disable\"", autoscaling.ReserveInstanceKey, v)
		}
	}
	if v, ok := ann[autoscaling.ReserveInstanceTypeKey]; ok {
		switch t := Type(strings.ToLower(strings.TrimSpace(v))); t {
		case TypeECI, TypeECS, TypeACS:
			s.Type = t
		default:
			return Spec{}, fmt.Errorf("%s: %q: want one of eci, ecs, acs", autoscaling.ReserveInstanceTypeKey, v)
		}
	}
	if v, ok := ann[autoscaling.ReserveInstanceReplicasKey]; ok {
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 32)
		if err != nil || n < 1 {
			return Spec{}, fmt.Errorf("%s: %q: want an integer of at least 1", autoscaling.ReserveInstanceReplicasKey, v)
		}
		s.Replicas = int32(n)
	}
	return s, nil
}
