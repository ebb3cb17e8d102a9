package config

import (
	_ "embed"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"sigs.k8s.io/yaml"
)

//go:embed rbac/role.yaml
var roleYAML []byte

//go:embed rbac/service_account.yaml
var serviceAccountYAML []byte

//go:embed rbac/role_binding.yaml
var roleBindingYAML []byte

// RBAC is the least privilege knsim's controllers run with: the
// knsim-controller ClusterRole generated from the rbac markers (`make
// rbac`), the ServiceAccount knative-serving/knsim-controller, and the
// ClusterRoleBinding that grants the one to the other.
type RBAC struct {
	Role           *rbacv1.ClusterRole
	ServiceAccount *corev1.ServiceAccount
	Binding        *rbacv1.ClusterRoleBinding
}

// ControllerRBAC decodes the embedded manifests of system/config/rbac.
func ControllerRBAC() (*RBAC, error) {
	r := &RBAC{Role: &rbacv1.ClusterRole{}, ServiceAccount: &corev1.ServiceAccount{}, Binding: &rbacv1.ClusterRoleBinding{}}
	for _, m := range []struct {
		name string
		b    []byte
		into any
	}{{"role.yaml", roleYAML, r.Role}, {"service_account.yaml", serviceAccountYAML, r.ServiceAccount}, {"role_binding.yaml", roleBindingYAML, r.Binding}} {
		if err := yaml.UnmarshalStrict(m.b, m.into); err != nil {
			return nil, fmt.Errorf("decoding rbac/%s: %w", m.name, err)
		}
	}
	return r, nil
}
