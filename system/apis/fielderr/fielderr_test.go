package fielderr

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestError(t *testing.T) {
	tests := []struct {
		name string
		err  *FieldError
		want string
	}{{
		name: "missing field",
		err:  ErrMissingField("spec.template"),
		want: "missing field(s): spec.template",
	}, {
		name: "paths sorted",
		err:  ErrMissingField("b", "a"),
		want: "missing field(s): a, b",
	}, {
		name: "invalid value with details",
		err:  ErrInvalidValue("Bad", "tag", "must be lower case"),
		want: "invalid value: Bad: tag\nmust be lower case",
	}, {
		name: "out of bounds",
		err:  ErrOutOfBoundsValue(101, 0, 100, "percent"),
		want: "expected 0 <= 101 <= 100: percent",
	}, {
		name: "multiple one of",
		err:  ErrMultipleOneOf("revisionName", "configurationName"),
		want: "expected exactly one, got both: configurationName, revisionName",
	}, {
		name: "missing one of",
		err:  ErrMissingOneOf("revisionName", "configurationName"),
		want: "expected exactly one, got neither: configurationName, revisionName",
	}, {
		name: "disallowed fields",
		err:  ErrDisallowedFields("url"),
		want: "must not set the field(s): url",
	}, {
		name: "disallowed update",
		err:  ErrDisallowedUpdate("spec", "-a\n+b"),
		want: "Immutable fields changed (-old +new): spec\n-a\n+b",
	}, {
		name: "via field and index",
		err:  ErrMissingField("tag").ViaIndex(1).ViaField("traffic").ViaField("spec"),
		want: "missing field(s): spec.traffic[1].tag",
	}, {
		name: "via field index, several prefixes",
		err:  ErrMissingField("image").ViaFieldIndex("containers", 0).ViaField("spec", "template", "spec"),
		want: "missing field(s): spec.template.spec.containers[0].image",
	}, {
		name: "current field",
		err:  ErrGeneric("bad sum", "").ViaField("traffic").ViaField("spec"),
		want: "bad sum: spec.traffic",
	}, {
		name: "dotted annotation key",
		err:  ErrInvalidValue("x", "autoscaling.knative.dev/window").ViaField("metadata", "annotations"),
		want: "invalid value: x: metadata.annotations.autoscaling.knative.dev/window",
	}, {
		name: "also merges same message and sorts",
		err: ErrMissingField("b").Also(
			ErrGeneric("zzz", "c"),
			nil,
			ErrMissingField("a", "b"),
		),
		want: "missing field(s): a, b\nzzz: c",
	}, {
		name: "also on nil",
		err:  (*FieldError)(nil).Also(ErrMissingField("a")),
		want: "missing field(s): a",
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, tc.err.Error()); diff != "" {
				t.Errorf("Error() (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNil(t *testing.T) {
	var fe *FieldError
	if got := fe.Also(); got != nil {
		t.Errorf("nil.Also() = %v, want nil", got)
	}
	if got := fe.Also(nil, nil); got != nil {
		t.Errorf("nil.Also(nil, nil) = %v, want nil", got)
	}
	if got := fe.ViaField("spec").ViaIndex(0).ViaFieldIndex("x", 1); got != nil {
		t.Errorf("nil.Via* = %v, want nil", got)
	}
	if err := fe.Err(); err != nil {
		t.Errorf("nil.Err() = %v, want nil", err)
	}
	if err := (&FieldError{}).Err(); err != nil {
		t.Errorf("empty.Err() = %v, want nil", err)
	}
	if err := ErrMissingField("a").Err(); err == nil {
		t.Error("ErrMissingField.Err() = nil, want an error")
	}
}

func TestViaDoesNotMutate(t *testing.T) {
	base := ErrMissingField("a")
	prefix := make([]string, 1, 4)
	prefix[0] = "x"
	one := base.ViaField(prefix...)
	two := base.ViaField(prefix...)
	if base.Error() != "missing field(s): a" || one.Error() != "missing field(s): x.a" || two.Error() != "missing field(s): x.a" {
		t.Errorf("got %q, %q, %q", base, one, two)
	}
}
