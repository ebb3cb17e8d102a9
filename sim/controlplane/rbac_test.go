package controlplane

import (
	"context"
	"testing"

	. "github.com/onsi/gomega"
	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"sigs.k8s.io/controller-runtime/pkg/client"

	servingv1 "github.com/knsim/knsim/system/apis/serving/v1"
	"github.com/knsim/knsim/system/stack"
)

// TestControllerConfig: the controllers' config authenticates as the
// knative-serving/knsim-controller ServiceAccount, which may do what the
// generated role grants and nothing more.
func TestControllerConfig(t *testing.T) {
	needAssets(t)
	g := NewWithT(t)
	ctx := context.Background()
	cp := start(t, Options{})
	defer func() { g.Expect(cp.Stop()).To(Succeed()) }()

	cs, err := kubernetes.NewForConfig(cp.ControllerConfig)
	g.Expect(err).NotTo(HaveOccurred())
	who, err := cs.AuthenticationV1().SelfSubjectReviews().Create(ctx, &authenticationv1.SelfSubjectReview{}, metav1.CreateOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(who.Status.UserInfo.Username).To(Equal("system:serviceaccount:knative-serving:knsim-controller"))
	g.Expect(who.Status.UserInfo.Groups).NotTo(ContainElement("system:masters"))

	c, err := client.New(cp.ControllerConfig, client.Options{Scheme: stack.Scheme()})
	g.Expect(err).NotTo(HaveOccurred())
	tests := []struct {
		name      string
		do        func() error
		forbidden bool
	}{
		{name: "list pods", do: func() error { return c.List(ctx, &corev1.PodList{}) }},
		{name: "list Knative Services", do: func() error { return c.List(ctx, &servingv1.ServiceList{}) }},
		{name: "create a node", do: func() error {
			return c.Create(ctx, &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "rbac-test"}})
		}},
		{name: "bind a pod", do: func() error {
			pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "bound"},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "i"}}}}
			if err := c.Create(ctx, pod); err != nil {
				return err
			}
			return c.SubResource("binding").Create(ctx, pod, &corev1.Binding{
				ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "bound"},
				Target:     corev1.ObjectReference{Kind: "Node", Name: "rbac-test"}})
		}},
		{name: "read secrets", do: func() error { return c.List(ctx, &corev1.SecretList{}) }, forbidden: true},
		{name: "create a ClusterRole", do: func() error {
			return c.Create(ctx, &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: "escalate"}})
		}, forbidden: true},
		{name: "delete a namespace", do: func() error {
			return c.Delete(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "default"}})
		}, forbidden: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.do()
			if tc.forbidden {
				if !apierrors.IsForbidden(err) {
					t.Errorf("err = %v, want Forbidden", err)
				}
				return
			}
			if err != nil {
				t.Errorf("err = %v, want it allowed", err)
			}
		})
	}
}
