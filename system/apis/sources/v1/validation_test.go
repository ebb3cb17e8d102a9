package v1

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/knsim/knsim/system/apis/fielderr"
)

func errString(fe *fielderr.FieldError) string {
	if err := fe.Err(); err != nil {
		return err.Error()
	}
	return ""
}

func TestPingSourceValidation(t *testing.T) {
	tests := []struct {
		name string
		spec PingSourceSpec
		want string
	}{{
		name: "every minute with JSON data",
		spec: PingSourceSpec{Schedule: "*/1 * * * *", ContentType: "application/json", Data: `{"message": "hi"}`},
	}, {
		name: "descriptor in a timezone with base64 data",
		spec: PingSourceSpec{Schedule: "@hourly", Timezone: "Europe/Madrid", DataBase64: "aGk="},
	}, {
		name: "bad cron",
		spec: PingSourceSpec{Schedule: "61 * * * *"},
		want: "invalid value: 61 * * * *: spec.schedule\nend of range (61) above maximum (59): 61",
	}, {
		name: "four fields",
		spec: PingSourceSpec{Schedule: "* * * *"},
		want: "invalid value: * * * *: spec.schedule\nexpected exactly 5 fields, found 4: [* * * *]",
	}, {
		name: "unknown timezone",
		spec: PingSourceSpec{Schedule: "* * * * *", Timezone: "Mars/Olympus"},
		want: "invalid value: Mars/Olympus: spec.timezone\nprovided bad location Mars/Olympus: unknown time zone Mars/Olympus",
	}, {
		name: "data and dataBase64",
		spec: PingSourceSpec{Schedule: "* * * * *", Data: "a", DataBase64: "YQ=="},
		want: "expected exactly one, got both: spec.data, spec.dataBase64",
	}, {
		name: "bad base64",
		spec: PingSourceSpec{Schedule: "* * * * *", DataBase64: "!!"},
		want: "invalid value: !!: spec.dataBase64\nillegal base64 data at input byte 0",
	}, {
		name: "JSON content type with non-JSON data",
		spec: PingSourceSpec{Schedule: "* * * * *", ContentType: "application/json", Data: "hi"},
		want: "invalid value: hi: spec.data\nnot valid JSON",
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.spec.SourceSpec = brokerSink("ns")
			s := &PingSource{Spec: tc.spec}
			if diff := cmp.Diff(tc.want, errString(s.Validate())); diff != "" {
				t.Errorf("Validate (-want +got):\n%s", diff)
			}
		})
	}
}

func TestApiServerSourceValidation(t *testing.T) {
	pods := []APIVersionKindSelector{{APIVersion: "v1", Kind: "Pod"}}
	tests := []struct {
		name string
		spec ApiServerSourceSpec
		want string
	}{{
		name: "valid",
		spec: ApiServerSourceSpec{Resources: pods, EventMode: "Resource"},
	}, {
		name: "no resources",
		spec: ApiServerSourceSpec{EventMode: "Reference"},
		want: "missing field(s): spec.resources",
	}, {
		name: "bad mode and kindless resource",
		spec: ApiServerSourceSpec{Resources: []APIVersionKindSelector{{APIVersion: "apps/v1"}}, EventMode: "Everything"},
		want: "invalid value: Everything: spec.mode\nmust be Reference or Resource\nmissing field(s): spec.resources[0].kind",
	}, {
		name: "bad apiVersion",
		spec: ApiServerSourceSpec{Resources: []APIVersionKindSelector{{APIVersion: "a/b/c", Kind: "X"}}, EventMode: "Reference"},
		want: "invalid value: a/b/c: spec.resources[0].apiVersion\nunexpected GroupVersion string: a/b/c",
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.spec.SourceSpec = brokerSink("ns")
			s := &ApiServerSource{Spec: tc.spec}
			if diff := cmp.Diff(tc.want, errString(s.Validate())); diff != "" {
				t.Errorf("Validate (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSinkBindingValidation(t *testing.T) {
	tests := []struct {
		name    string
		subject Reference
		want    string
	}{{
		name:    "by name",
		subject: Reference{APIVersion: "apps/v1", Kind: "Deployment", Name: "d"},
	}, {
		name:    "by selector",
		subject: Reference{APIVersion: "apps/v1", Kind: "Deployment", Selector: &metav1.LabelSelector{}},
	}, {
		name:    "both",
		subject: Reference{APIVersion: "apps/v1", Kind: "Deployment", Name: "d", Selector: &metav1.LabelSelector{}},
		want:    "expected exactly one, got both: spec.subject.name, spec.subject.selector",
	}, {
		name:    "neither, no kind",
		subject: Reference{APIVersion: "apps/v1"},
		want:    "expected exactly one, got neither: spec.subject.name, spec.subject.selector\nmissing field(s): spec.subject.kind",
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := &SinkBinding{Spec: SinkBindingSpec{SourceSpec: brokerSink("ns"), Subject: tc.subject}}
			if diff := cmp.Diff(tc.want, errString(s.Validate())); diff != "" {
				t.Errorf("Validate (-want +got):\n%s", diff)
			}
		})
	}
}

func TestContainerSourceValidation(t *testing.T) {
	s := &ContainerSource{Spec: ContainerSourceSpec{SourceSpec: brokerSink("ns")}}
	if diff := cmp.Diff("missing field(s): spec.template.spec.containers", errString(s.Validate())); diff != "" {
		t.Errorf("no containers (-want +got):\n%s", diff)
	}
	s.Spec.Template.Spec.Containers = []corev1.Container{{Name: "c"}}
	if diff := cmp.Diff("missing field(s): spec.template.spec.containers[0].image", errString(s.Validate())); diff != "" {
		t.Errorf("no image (-want +got):\n%s", diff)
	}
}
