package memory_test

import (
	"context"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	servingv1 "github.com/knsim/knsim/system/apis/serving/v1"
)

// The memory plane admits as the webhook does on envtest, with the
// settings of the plane's own ConfigMaps: initial-scale 0 only where
// config-autoscaler allows it.
func TestAdmissionReadsThePlanesConfigMaps(t *testing.T) {
	for _, tc := range []struct {
		name    string
		allow   bool
		wantErr string
	}{
		{"refused by default", false, "initial-scale"},
		{"admitted with allow-zero-initial-scale", true, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			var out []entry
			p, _ := start(t, 1, &out)
			if tc.allow {
				cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "knative-serving", Name: "config-autoscaler"},
					Data: map[string]string{"allow-zero-initial-scale": "true"}}
				if err := p.Client.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "knative-serving"}}); err != nil {
					t.Fatal(err)
				}
				if err := p.Client.Create(ctx, cm); err != nil {
					t.Fatal(err)
				}
			}
			svc := &servingv1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "zero"}}
			svc.Spec.Template.Annotations = map[string]string{"autoscaling.knative.dev/initial-scale": "0"}
			svc.Spec.Template.Spec.Containers = []corev1.Container{{Image: "gcr.io/knative-samples/helloworld-go"}}
			err := p.Client.Create(ctx, svc)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("create: %v", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("create: error %v, want one naming %q", err, tc.wantErr)
			}
		})
	}
}
