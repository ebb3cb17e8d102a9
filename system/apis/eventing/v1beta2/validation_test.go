package v1beta2

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/knsim/knsim/system/apis/duck"
)

func TestEventTypeValidation(t *testing.T) {
	tests := []struct {
		name string
		et   EventType
		want string
	}{
		{name: "no type, reference without apiVersion",
			et:   EventType{Spec: EventTypeSpec{Reference: &duck.KReference{Kind: "Broker", Name: "b"}}},
			want: "missing field(s): spec.reference.apiVersion, spec.type"},
		{name: "type and a whole reference",
			et: EventType{Spec: EventTypeSpec{Type: "com.example.x",
				Reference: &duck.KReference{APIVersion: "eventing.knative.dev/v1", Kind: "Broker", Name: "b"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ""
			if fe := tt.et.Validate(); fe != nil {
				got = fe.Error()
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Validate (-want +got):\n%s", diff)
			}
		})
	}
}
