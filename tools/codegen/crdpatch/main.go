// Command crdpatch adjusts the CRDs controller-gen writes for the Knative
// serving kinds: Knative lets users omit a container's name (it defaults to
// "user-container"), but the embedded core/v1 PodSpec schema makes
// `containers` a list keyed by name, which server-side apply refuses before
// the defaulting webhook can fill the name in. The patch makes those lists
// atomic and the name optional, as Knative's published CRDs do.
//
// Usage: crdpatch FILE.yaml...
package main

import (
	"fmt"
	"os"
	"slices"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"sigs.k8s.io/yaml"
)

var containerLists = []string{"containers", "initContainers"}

func main() {
	for _, path := range os.Args[1:] {
		if err := patchFile(path); err != nil {
			fmt.Fprintf(os.Stderr, "crdpatch: %s: %v\n", path, err)
			os.Exit(1)
		}
	}
}

func patchFile(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	crd := &apiextensionsv1.CustomResourceDefinition{}
	if err := yaml.UnmarshalStrict(b, crd); err != nil {
		return err
	}
	changed := false
	for i := range crd.Spec.Versions {
		if s := crd.Spec.Versions[i].Schema; s != nil && s.OpenAPIV3Schema != nil {
			changed = walk(s.OpenAPIV3Schema) || changed
		}
	}
	if !changed {
		return nil
	}
	out, err := yaml.Marshal(crd)
	if err != nil {
		return err
	}
	return os.WriteFile(path, append([]byte("---\n"), out...), 0o644)
}

// walk patches every container list below s and reports whether it changed anything.
func walk(s *apiextensionsv1.JSONSchemaProps) bool {
	changed := false
	for name, p := range s.Properties {
		if slices.Contains(containerLists, name) && p.Items != nil && p.Items.Schema != nil && slices.Equal(p.XListMapKeys, []string{"name"}) {
			p.XListType, p.XListMapKeys = nil, nil
			p.Items.Schema.Required = slices.DeleteFunc(p.Items.Schema.Required, func(r string) bool { return r == "name" })
			changed = true
		}
		if walk(&p) {
			changed = true
		}
		if p.Items != nil && p.Items.Schema != nil && walk(p.Items.Schema) {
			changed = true
		}
		s.Properties[name] = p
	}
	return changed
}
