package v1

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/knsim/knsim/system/apis/duck"
	"github.com/knsim/knsim/system/apis/fielderr"
)

func errString(fe *fielderr.FieldError) string {
	if err := fe.Err(); err != nil {
		return err.Error()
	}
	return ""
}

func TestSequenceValidation(t *testing.T) {
	step := SequenceStep{Destination: duck.Destination{Ref: svc("a", "ns")}}
	tests := []struct {
		name string
		spec SequenceSpec
		want string
	}{{
		name: "valid",
		spec: SequenceSpec{Steps: []SequenceStep{step}, ChannelTemplate: imcTemplate},
	}, {
		name: "no steps",
		spec: SequenceSpec{ChannelTemplate: imcTemplate},
		want: "missing field(s): spec.steps",
	}, {
		name: "empty step, no template, relative reply",
		spec: SequenceSpec{Steps: []SequenceStep{step, {}}, Reply: &duck.Destination{URI: "/x"}},
		want: "expected at least one, got none: spec.steps[1].ref, spec.steps[1].uri\n" +
			"invalid value: Relative URI is not allowed when Ref and [apiVersion, kind, name] is absent: spec.reply.uri\n" +
			"missing field(s): spec.channelTemplate",
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := &Sequence{Spec: tc.spec}
			if diff := cmp.Diff(tc.want, errString(s.Validate())); diff != "" {
				t.Errorf("Validate (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParallelValidation(t *testing.T) {
	sub := duck.Destination{Ref: svc("s", "ns")}
	tests := []struct {
		name string
		spec ParallelSpec
		want string
	}{{
		name: "valid with and without filter",
		spec: ParallelSpec{ChannelTemplate: imcTemplate, Branches: []ParallelBranch{
			{Subscriber: sub}, {Filter: &duck.Destination{Ref: svc("f", "ns")}, Subscriber: sub}}},
	}, {
		name: "no branches",
		spec: ParallelSpec{ChannelTemplate: imcTemplate},
		want: "missing field(s): spec.branches",
	}, {
		name: "branch without subscriber and a bad filter",
		spec: ParallelSpec{ChannelTemplate: imcTemplate, Branches: []ParallelBranch{
			{Filter: &duck.Destination{Ref: &duck.KReference{Name: "f"}}}}},
		want: "expected at least one, got none: spec.branches[0].subscriber.ref, spec.branches[0].subscriber.uri\n" +
			"missing field(s): spec.branches[0].filter.ref.apiVersion, spec.branches[0].filter.ref.kind",
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := &Parallel{Spec: tc.spec}
			if diff := cmp.Diff(tc.want, errString(p.Validate())); diff != "" {
				t.Errorf("Validate (-want +got):\n%s", diff)
			}
		})
	}
}
