package upsoak

import (
	"context"
	"fmt"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"
)

// manifests are what the soak applies: a Service that scales between 1
// and 10 pods (target 10 requests in flight, a short window so that it
// scales back within the after phase), a Broker, and a Trigger that sends
// every event to the Service.
const manifests = `
apiVersion: serving.knative.dev/v1
kind: Service
metadata: {name: soak, namespace: default}
spec:
  template:
    metadata:
      annotations:
        autoscaling.knative.dev/min-scale: "1"
        autoscaling.knative.dev/max-scale: "10"
        autoscaling.knative.dev/target: "10"
        autoscaling.knative.dev/window: "20s"
    spec:
      containers: [{image: example.com/soak}]
---
apiVersion: eventing.knative.dev/v1
kind: Broker
metadata: {name: default, namespace: default}
---
apiVersion: eventing.knative.dev/v1
kind: Trigger
metadata: {name: soak, namespace: default}
spec:
  broker: default
  subscriber:
    ref: {apiVersion: serving.knative.dev/v1, kind: Service, name: soak}
`

// serviceHost is the soak Service's host at the gateway.
const serviceHost = "soak.default.example.com"

// objects decodes manifests.
func objects() ([]*unstructured.Unstructured, error) {
	var out []*unstructured.Unstructured
	for i, doc := range strings.Split(manifests, "\n---\n") {
		u := &unstructured.Unstructured{}
		if err := yaml.Unmarshal([]byte(doc), &u.Object); err != nil {
			return nil, fmt.Errorf("manifest %d: %w", i+1, err)
		}
		out = append(out, u)
	}
	return out, nil
}

// apply creates the objects and waits until each is Ready.
func apply(ctx context.Context, c client.Client, timeout time.Duration) error {
	objs, err := objects()
	if err != nil {
		return err
	}
	for _, o := range objs {
		if err := c.Create(ctx, o); err != nil {
			return fmt.Errorf("creating %s %s: %w", o.GetKind(), o.GetName(), err)
		}
	}
	deadline := time.Now().Add(timeout)
	for _, o := range objs {
		for {
			u := &unstructured.Unstructured{}
			u.SetGroupVersionKind(o.GroupVersionKind())
			err := c.Get(ctx, client.ObjectKeyFromObject(o), u)
			if err == nil && ready(u) {
				break
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("%s %s not Ready after %s (last error: %v)", o.GetKind(), o.GetName(), timeout, err)
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(200 * time.Millisecond):
			}
		}
	}
	return nil
}

// ready tells whether u's Ready condition is True.
func ready(u *unstructured.Unstructured) bool {
	conds, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
	for _, c := range conds {
		m, _ := c.(map[string]any)
		if m["type"] == "Ready" && m["status"] == "True" {
			return true
		}
	}
	return false
}
