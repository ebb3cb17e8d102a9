package resources

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/utils/ptr"

	servingv1 "github.com/knsim/knsim/system/apis/serving/v1"
)

// Lookup fetches the objects traffic targets name. A NotFound error means the
// object does not exist.
type Lookup struct {
	Configuration func(name string) (*servingv1.Configuration, error)
	Revision      func(name string) (*servingv1.Revision, error)
}

// TargetError says why traffic could not be assigned, as the
// AllTrafficAssigned condition reports it.
type TargetError struct {
	// Status is False for a missing object, Unknown while waiting.
	Status  corev1.ConditionStatus
	Reason  string
	Message string
	// Err is set for lookup failures other than NotFound.
	Err error
}

func (e *TargetError) Error() string { return e.Message }

// ResolveTraffic turns the Route's spec.traffic into status.traffic: every
// target names a ready Revision and tagged targets carry their URL.
func ResolveTraffic(rt *servingv1.Route, l Lookup, domain string) ([]servingv1.TrafficTarget, *TargetError) {
	out := make([]servingv1.TrafficTarget, 0, len(rt.Spec.Traffic))
	for _, t := range rt.Spec.Traffic {
		name, latest, terr := resolveTarget(t, l, rt.Name)
		if terr != nil {
			return nil, terr
		}
		st := servingv1.TrafficTarget{
			Tag:            t.Tag,
			RevisionName:   name,
			LatestRevision: ptr.To(latest),
			Percent:        t.Percent,
		}
		if t.Tag != "" {
			st.URL = TagURL(rt, t.Tag, domain)
		}
		out = append(out, st)
	}
	return out, nil
}

// Reference is an object a Route's traffic reads: a Revision its traffic
// pins, or a Configuration whose latest ready Revision it follows.
type Reference struct {
	Kind string // "Revision" or "Configuration"
	Name string
}

// References lists what ResolveTraffic reads for rt, target by target:
// a change to anything else cannot change rt's traffic.
func References(rt *servingv1.Route) []Reference {
	refs := make([]Reference, 0, len(rt.Spec.Traffic))
	for _, t := range rt.Spec.Traffic {
		latest, name := target(t, rt.Name)
		kind := "Revision"
		if latest {
			kind = "Configuration"
		}
		refs = append(refs, Reference{Kind: kind, Name: name})
	}
	return refs
}

// target says whether t follows a Configuration's latest ready Revision
// and names that Configuration, or else the Revision t pins.
func target(t servingv1.TrafficTarget, routeName string) (latest bool, name string) {
	if !ptr.Deref(t.LatestRevision, t.RevisionName == "") {
		return false, t.RevisionName
	}
	if t.ConfigurationName == "" {
		return true, routeName
	}
	return true, t.ConfigurationName
}

func resolveTarget(t servingv1.TrafficTarget, l Lookup, routeName string) (string, bool, *TargetError) {
	latest, name := target(t, routeName)
	if !latest {
		rev, err := l.Revision(name)
		if apierrors.IsNotFound(err) {
			return "", false, &TargetError{Status: corev1.ConditionFalse, Reason: "RevisionMissing",
				Message: fmt.Sprintf("Revision %q referenced in traffic not found.", name)}
		} else if err != nil {
			return "", false, &TargetError{Status: corev1.ConditionUnknown, Reason: "Unknown", Message: err.Error(), Err: err}
		}
		if c := rev.Status.GetCondition(servingv1.RevisionConditionReady); c.IsFalse() {
			return "", false, &TargetError{Status: corev1.ConditionFalse, Reason: "RevisionMissing",
				Message: fmt.Sprintf("Revision %q failed to become ready.", rev.Name)}
		} else if !c.IsTrue() {
			return "", false, &TargetError{Status: corev1.ConditionUnknown, Reason: "RevisionMissing",
				Message: fmt.Sprintf("Revision %q is not yet ready.", rev.Name)}
		}
		return rev.Name, false, nil
	}
	cfgName := name
	cfg, err := l.Configuration(cfgName)
	if apierrors.IsNotFound(err) {
		return "", true, &TargetError{Status: corev1.ConditionFalse, Reason: "ConfigurationMissing",
			Message: fmt.Sprintf("Configuration %q referenced in traffic not found.", cfgName)}
	} else if err != nil {
		return "", true, &TargetError{Status: corev1.ConditionUnknown, Reason: "Unknown", Message: err.Error(), Err: err}
	}
	if cfg.Status.LatestReadyRevisionName == "" {
		if c := cfg.Status.GetCondition(servingv1.ConfigurationConditionReady); c.IsFalse() {
			return "", true, &TargetError{Status: corev1.ConditionFalse, Reason: "RevisionMissing",
				Message: fmt.Sprintf("Configuration %q does not have any ready Revision.", cfgName)}
		}
		return "", true, &TargetError{Status: corev1.ConditionUnknown, Reason: "RevisionMissing",
			Message: fmt.Sprintf("Configuration %q is waiting for a Revision to become ready.", cfgName)}
	}
	return cfg.Status.LatestReadyRevisionName, true, nil
}
