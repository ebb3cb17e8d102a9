package resources

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/knsim/knsim/system/apis/duck"
	servingv1 "github.com/knsim/knsim/system/apis/serving/v1"
	"github.com/knsim/knsim/system/network"
)

func rev(name string, ready corev1.ConditionStatus) *servingv1.Revision {
	r := &servingv1.Revision{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "prod-ns"}}
	if ready != "" {
		r.Status.Conditions = []duck.Condition{{Type: duck.ConditionReady, Status: ready}}
	}
	return r
}

func cfg(name, latestReady string, ready corev1.ConditionStatus) *servingv1.Configuration {
	c := &servingv1.Configuration{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "prod-ns"}}
	c.Status.LatestReadyRevisionName = latestReady
	if ready != "" {
		c.Status.Conditions = []duck.Condition{{Type: duck.ConditionReady, Status: ready}}
	}
	return c
}

// fakeLookup serves objects from maps; absent names are NotFound, and names in
// broken fail with a non-NotFound error.
func fakeLookup(revs []*servingv1.Revision, cfgs []*servingv1.Configuration, broken error) Lookup {
	return Lookup{
		Revision: func(name string) (*servingv1.Revision, error) {
			if broken != nil {
				return nil, broken
			}
			for _, r := range revs {
				if r.Name == name {
					return r, nil
				}
			}
			return nil, apierrors.NewNotFound(servingv1.SchemeGroupVersion.WithResource("revisions").GroupResource(), name)
		},
		Configuration: func(name string) (*servingv1.Configuration, error) {
			if broken != nil {
				return nil, broken
			}
			for _, c := range cfgs {
				if c.Name == name {
					return c, nil
				}
			}
			return nil, apierrors.NewNotFound(servingv1.SchemeGroupVersion.WithResource("configurations").GroupResource(), name)
		},
	}
}

func TestResolveTraffic(t *testing.T) {
	errBoom := errors.New("apiserver unavailable")
	tests := []struct {
		name    string
		traffic []servingv1.TrafficTarget
		revs    []*servingv1.Revision
		cfgs    []*servingv1.Configuration
		broken  error
		want    []servingv1.TrafficTarget
		wantErr *TargetError
	}{{
		name:    "happy path: latest via the route's own configuration",
		traffic: []servingv1.TrafficTarget{{Percent: ptr.To[int64](100), LatestRevision: ptr.To(true)}},
		cfgs:    []*servingv1.Configuration{cfg("hello", "hello-00002", corev1.ConditionTrue)},
		want: []servingv1.TrafficTarget{
			{RevisionName: "hello-00002", LatestRevision: ptr.To(true), Percent: ptr.To[int64](100)},
		},
	}, {
		name: "happy path with tags: pinned and latest targets",
		traffic: []servingv1.TrafficTarget{
			{Tag: "current", RevisionName: "hello-00001", Percent: ptr.To[int64](90)},
			{Tag: "candidate", ConfigurationName: "other", Percent: ptr.To[int64](10)},
			{Tag: "latest", LatestRevision: ptr.To(true)},
			{RevisionName: "hello-00001", Percent: ptr.To[int64](0)},
		},
		revs: []*servingv1.Revision{rev("hello-00001", corev1.ConditionTrue)},
		cfgs: []*servingv1.Configuration{
			cfg("hello", "hello-00003", corev1.ConditionTrue),
			cfg("other", "other-00007", corev1.ConditionTrue),
		},
		want: []servingv1.TrafficTarget{
			{Tag: "current", RevisionName: "hello-00001", LatestRevision: ptr.To(false), Percent: ptr.To[int64](90),
				URL: "http://current-hello.prod-ns.example.com"},
			{Tag: "candidate", RevisionName: "other-00007", LatestRevision: ptr.To(true), Percent: ptr.To[int64](10),
				URL: "http://candidate-hello.prod-ns.example.com"},
			{Tag: "latest", RevisionName: "hello-00003", LatestRevision: ptr.To(true),
				URL: "http://latest-hello.prod-ns.example.com"},
			{RevisionName: "hello-00001", LatestRevision: ptr.To(false), Percent: ptr.To[int64](0)},
		},
	}, {
		name:    "no traffic resolves to an empty list",
		traffic: nil,
		want:    []servingv1.TrafficTarget{},
	}, {
		name:    "revision missing",
		traffic: []servingv1.TrafficTarget{{RevisionName: "hello-00009", Percent: ptr.To[int64](100)}},
		wantErr: &TargetError{Status: corev1.ConditionFalse, Reason: "RevisionMissing",
			Message: `Revision "hello-00009" referenced in traffic not found.`},
	}, {
		name:    "revision failed",
		traffic: []servingv1.TrafficTarget{{RevisionName: "hello-00001", Percent: ptr.To[int64](100)}},
		revs:    []*servingv1.Revision{rev("hello-00001", corev1.ConditionFalse)},
		wantErr: &TargetError{Status: corev1.ConditionFalse, Reason: "RevisionMissing",
			Message: `Revision "hello-00001" failed to become ready.`},
	}, {
		name:    "revision not ready yet",
		traffic: []servingv1.TrafficTarget{{RevisionName: "hello-00001", Percent: ptr.To[int64](100)}},
		revs:    []*servingv1.Revision{rev("hello-00001", corev1.ConditionUnknown)},
		wantErr: &TargetError{Status: corev1.ConditionUnknown, Reason: "RevisionMissing",
			Message: `Revision "hello-00001" is not yet ready.`},
	}, {
		name:    "revision without conditions is not ready yet",
		traffic: []servingv1.TrafficTarget{{RevisionName: "hello-00001", Percent: ptr.To[int64](100)}},
		revs:    []*servingv1.Revision{rev("hello-00001", "")},
		wantErr: &TargetError{Status: corev1.ConditionUnknown, Reason: "RevisionMissing",
			Message: `Revision "hello-00001" is not yet ready.`},
	}, {
		name:    "configuration without a ready revision",
		traffic: []servingv1.TrafficTarget{{Percent: ptr.To[int64](100), LatestRevision: ptr.To(true)}},
		cfgs:    []*servingv1.Configuration{cfg("hello", "", corev1.ConditionUnknown)},
		wantErr: &TargetError{Status: corev1.ConditionUnknown, Reason: "RevisionMissing",
			Message: `Configuration "hello" is waiting for a Revision to become ready.`},
	}, {
		name:    "failed configuration without a ready revision",
		traffic: []servingv1.TrafficTarget{{ConfigurationName: "other", Percent: ptr.To[int64](100)}},
		cfgs:    []*servingv1.Configuration{cfg("other", "", corev1.ConditionFalse)},
		wantErr: &TargetError{Status: corev1.ConditionFalse, Reason: "RevisionMissing",
			Message: `Configuration "other" does not have any ready Revision.`},
	}, {
		name:    "configuration missing",
		traffic: []servingv1.TrafficTarget{{ConfigurationName: "gone", Percent: ptr.To[int64](100)}},
		wantErr: &TargetError{Status: corev1.ConditionFalse, Reason: "ConfigurationMissing",
			Message: `Configuration "gone" referenced in traffic not found.`},
	}, {
		name: "first failing target is reported",
		traffic: []servingv1.TrafficTarget{
			{RevisionName: "hello-00001", Percent: ptr.To[int64](50)},
			{RevisionName: "hello-00002", Percent: ptr.To[int64](50)},
		},
		revs: []*servingv1.Revision{rev("hello-00001", corev1.ConditionTrue)},
		wantErr: &TargetError{Status: corev1.ConditionFalse, Reason: "RevisionMissing",
			Message: `Revision "hello-00002" referenced in traffic not found.`},
	}, {
		name:    "other lookup errors are Unknown and keep the error",
		traffic: []servingv1.TrafficTarget{{RevisionName: "hello-00001", Percent: ptr.To[int64](100)}},
		broken:  errBoom,
		wantErr: &TargetError{Status: corev1.ConditionUnknown, Reason: "Unknown", Message: errBoom.Error(), Err: errBoom},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rt := route(nil)
			rt.Spec.Traffic = tc.traffic
			got, terr := ResolveTraffic(rt, fakeLookup(tc.revs, tc.cfgs, tc.broken), network.DefaultDomain)
			if (terr == nil) != (tc.wantErr == nil) {
				t.Fatalf("error = %v, want %v", terr, tc.wantErr)
			}
			if terr != nil {
				// Compare by value; Err by errors.Is.
				if diff := cmp.Diff(*tc.wantErr, *terr, cmpopts.EquateErrors()); diff != "" {
					t.Errorf("error (-want +got):\n%s", diff)
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("traffic (-want +got):\n%s", diff)
			}
			if terr != nil && terr.Error() != tc.wantErr.Message {
				t.Errorf("Error() = %q, want the message %q", terr.Error(), tc.wantErr.Message)
			}
		})
	}
}

// References names exactly what ResolveTraffic looks up, target by target,
// when every target resolves: the Route controller requeues a Route on a
// change to those objects only.
func TestReferences(t *testing.T) {
	rt := &servingv1.Route{ObjectMeta: metav1.ObjectMeta{Name: "hello", Namespace: "prod-ns"}}
	rt.Spec.Traffic = []servingv1.TrafficTarget{
		{Tag: "current", RevisionName: "hello-00001", Percent: ptr.To[int64](80)},
		{Tag: "candidate", ConfigurationName: "other", Percent: ptr.To[int64](10)},
		{LatestRevision: ptr.To(true), Percent: ptr.To[int64](10)},
		{RevisionName: "hello-00002", LatestRevision: ptr.To(false)},
	}
	var looked []Reference
	l := Lookup{
		Revision: func(name string) (*servingv1.Revision, error) {
			looked = append(looked, Reference{Kind: "Revision", Name: name})
			return rev(name, corev1.ConditionTrue), nil
		},
		Configuration: func(name string) (*servingv1.Configuration, error) {
			looked = append(looked, Reference{Kind: "Configuration", Name: name})
			return cfg(name, name+"-00009", corev1.ConditionTrue), nil
		},
	}
	if _, terr := ResolveTraffic(rt, l, "example.com"); terr != nil {
		t.Fatal(terr)
	}
	want := []Reference{
		{Kind: "Revision", Name: "hello-00001"},
		{Kind: "Configuration", Name: "other"},
		{Kind: "Configuration", Name: "hello"},
		{Kind: "Revision", Name: "hello-00002"},
	}
	if diff := cmp.Diff(want, looked); diff != "" {
		t.Errorf("lookups of ResolveTraffic (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, References(rt)); diff != "" {
		t.Errorf("References (-want +got):\n%s", diff)
	}
}
