package features

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name         string
		data         map[string]string
		wantServing  Serving
		wantEventing Eventing
	}{
		{name: "no data: Knative's defaults",
			wantServing:  Serving{MultiContainer: Enabled, TagHeaderBasedRouting: Disabled},
			wantEventing: Eventing{CrossNamespaceEventLinks: Disabled, EventTypeAutoCreate: Disabled}},
		{name: "every flag flipped, in any case",
			data: map[string]string{"multi-container": "disabled", "tag-header-based-routing": "ENABLED",
				"cross-namespace-event-links": "Enabled", "eventtype-auto-create": " enabled "},
			wantServing:  Serving{MultiContainer: Disabled, TagHeaderBasedRouting: Enabled},
			wantEventing: Eventing{CrossNamespaceEventLinks: Enabled, EventTypeAutoCreate: Enabled}},
		{name: "serving's prefixed keys",
			data:         map[string]string{"features.knative.dev/tag-header-based-routing": "enabled"},
			wantServing:  Serving{MultiContainer: Enabled, TagHeaderBasedRouting: Enabled},
			wantEventing: Eventing{CrossNamespaceEventLinks: Disabled, EventTypeAutoCreate: Disabled}},
		{name: "unknown values keep the defaults; allowed is kept but is not on",
			data:         map[string]string{"multi-container": "yes", "eventtype-auto-create": "allowed", "_example": "enabled"},
			wantServing:  Serving{MultiContainer: Enabled, TagHeaderBasedRouting: Disabled},
			wantEventing: Eventing{CrossNamespaceEventLinks: Disabled, EventTypeAutoCreate: Allowed}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.wantServing, ParseServing(tt.data)); diff != "" {
				t.Errorf("ParseServing (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantEventing, ParseEventing(tt.data)); diff != "" {
				t.Errorf("ParseEventing (-want +got):\n%s", diff)
			}
		})
	}
	if Allowed.On() || Disabled.On() || !Enabled.On() {
		t.Error("only Enabled is on")
	}
}

func TestRead(t *testing.T) {
	s := runtime.NewScheme()
	if err := corev1.AddToScheme(s); err != nil {
		t.Fatal(err)
	}
	cm := func(ns string, data map[string]string) *corev1.ConfigMap {
		return &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: ConfigMapName}, Data: data}
	}
	c := fake.NewClientBuilder().WithScheme(s).WithObjects(
		cm(EventingNamespace, map[string]string{EventTypeAutoCreateKey: "enabled"}),
	).Build()
	ctx := context.Background()
	ev, err := ReadEventing(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(Eventing{CrossNamespaceEventLinks: Disabled, EventTypeAutoCreate: Enabled}, ev); diff != "" {
		t.Errorf("ReadEventing (-want +got):\n%s", diff)
	}
	sv, err := ReadServing(ctx, c) // no ConfigMap in knative-serving
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(ServingDefaults(), sv); diff != "" {
		t.Errorf("ReadServing without a ConfigMap (-want +got):\n%s", diff)
	}
}
