package config

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	rbacv1 "k8s.io/api/rbac/v1"
)

// TestControllerRBAC: the binding grants the generated role to the
// ServiceAccount, and the role grants no wildcard.
func TestControllerRBAC(t *testing.T) {
	r, err := ControllerRBAC()
	if err != nil {
		t.Fatal(err)
	}
	wantRef := rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: r.Role.Name}
	if diff := cmp.Diff(wantRef, r.Binding.RoleRef); diff != "" {
		t.Errorf("roleRef (-want +got):\n%s", diff)
	}
	wantSubjects := []rbacv1.Subject{{Kind: "ServiceAccount", Name: r.ServiceAccount.Name, Namespace: r.ServiceAccount.Namespace}}
	if diff := cmp.Diff(wantSubjects, r.Binding.Subjects); diff != "" {
		t.Errorf("subjects (-want +got):\n%s", diff)
	}
	if len(r.Role.Rules) == 0 {
		t.Fatal("the role grants nothing")
	}
	for _, rule := range r.Role.Rules {
		for _, list := range [][]string{rule.APIGroups, rule.Resources, rule.Verbs} {
			for _, v := range list {
				if v == "*" {
					t.Errorf("rule %+v grants a wildcard", rule)
				}
			}
		}
		for _, res := range rule.Resources {
			if res == "secrets" {
				t.Errorf("rule %+v reads secrets", rule)
			}
		}
	}
}
