package controlplane

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/knsim/knsim/system/config"
)

// installRBAC installs the controllers' ClusterRole, ServiceAccount and
// ClusterRoleBinding (system/config/rbac) as the administrator, over what
// a kept etcd holds from an earlier version, and returns a rest.Config that
// authenticates as that ServiceAccount: a client certificate whose user is
// system:serviceaccount:<namespace>:<name>, in the ServiceAccount groups,
// which RBAC matches to the binding's ServiceAccount subject. It holds no
// other right than the role's (and what every authenticated user has, such
// as discovery).
func (cp *ControlPlane) installRBAC(ctx context.Context, admin *rest.Config) (*rest.Config, error) {
	r, err := config.ControllerRBAC()
	if err != nil {
		return nil, err
	}
	s := runtime.NewScheme()
	utilruntime.Must(corev1.AddToScheme(s))
	utilruntime.Must(rbacv1.AddToScheme(s))
	c, err := client.New(admin, client.Options{Scheme: s})
	if err != nil {
		return nil, err
	}
	sa := r.ServiceAccount
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: sa.Namespace}}
	if err := c.Create(ctx, ns); err != nil && !apierrors.IsAlreadyExists(err) {
		return nil, fmt.Errorf("creating namespace %s: %w", ns.Name, err)
	}
	for _, obj := range []client.Object{r.Role, sa, r.Binding} {
		if err := createOrReplace(ctx, c, obj); err != nil {
			return nil, err
		}
	}
	user, err := cp.env.ControlPlane.AddUser(envtest.User{
		// The user and groups the apiserver gives a ServiceAccount's token.
		Name:   "system:serviceaccount:" + sa.Namespace + ":" + sa.Name,
		Groups: []string{"system:serviceaccounts", "system:serviceaccounts:" + sa.Namespace},
	}, nil)
	if err != nil {
		return nil, fmt.Errorf("adding the controllers' user: %w", err)
	}
	return user.Config(), nil
}

// createOrReplace creates obj, or replaces the stored object's content
// with obj's when it exists.
func createOrReplace(ctx context.Context, c client.Client, obj client.Object) error {
	err := c.Create(ctx, obj)
	if !apierrors.IsAlreadyExists(err) {
		if err != nil {
			return fmt.Errorf("creating %T %s: %w", obj, obj.GetName(), err)
		}
		return nil
	}
	stored := obj.DeepCopyObject().(client.Object)
	if err := c.Get(ctx, client.ObjectKeyFromObject(obj), stored); err != nil {
		return err
	}
	obj.SetResourceVersion(stored.GetResourceVersion())
	if err := c.Update(ctx, obj); err != nil {
		return fmt.Errorf("updating %T %s: %w", obj, obj.GetName(), err)
	}
	return nil
}

// Grant gives the controllers' ServiceAccount more rights: a ClusterRole
// named name with rules, and a ClusterRoleBinding of it. Controllers that
// a test adds beside the stack's declare what they need this way; the
// stack's own controllers have only the generated role.
func (cp *ControlPlane) Grant(ctx context.Context, name string, rules []rbacv1.PolicyRule) error {
	r, err := config.ControllerRBAC()
	if err != nil {
		return err
	}
	s := runtime.NewScheme()
	utilruntime.Must(rbacv1.AddToScheme(s))
	c, err := client.New(cp.Config, client.Options{Scheme: s})
	if err != nil {
		return err
	}
	role := &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: name}, Rules: rules}
	binding := &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: name},
		RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: name},
		Subjects: r.Binding.Subjects}
	for _, obj := range []client.Object{role, binding} {
		if err := createOrReplace(ctx, c, obj); err != nil {
			return err
		}
	}
	return nil
}
