package manifest

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"
)

// FieldManager names knsim in managedFields.
const FieldManager = "knsim"

// Decode splits a YAML stream into objects. name labels errors (a file path
// or "inline"); each error names the document number. Empty documents are
// skipped.
func Decode(name string, r io.Reader) ([]*unstructured.Unstructured, error) {
	reader := utilyaml.NewYAMLReader(bufio.NewReader(r))
	var out []*unstructured.Unstructured
	for doc := 1; ; doc++ {
		raw, err := reader.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: document %d: %w", name, doc, err)
		}
		if len(bytes.TrimSpace(raw)) == 0 {
			continue
		}
		obj := map[string]any{}
		if err := yaml.Unmarshal(raw, &obj); err != nil {
			return nil, fmt.Errorf("%s: document %d: %w", name, doc, err)
		}
		if len(obj) == 0 {
			continue // only comments
		}
		u := &unstructured.Unstructured{Object: obj}
		if u.GetAPIVersion() == "" || u.GetKind() == "" {
			return nil, fmt.Errorf("%s: document %d: apiVersion and kind are required", name, doc)
		}
		if u.GetName() == "" {
			return nil, fmt.Errorf("%s: document %d (%s): metadata.name is required", name, doc, u.GetKind())
		}
		out = append(out, u)
	}
}

// MaxFileBytes is the largest file DecodeFile reads.
const MaxFileBytes = 16 << 20

// DecodeFile reads and decodes a YAML file: a regular file (not a named
// pipe or device) of at most MaxFileBytes.
func DecodeFile(path string) ([]*unstructured.Unstructured, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil || !st.Mode().IsRegular() || st.Size() > MaxFileBytes {
		if err == nil {
			err = fmt.Errorf("%s is not a regular file of at most %d bytes", path, MaxFileBytes)
		}
		return nil, err
	}
	return Decode(path, io.LimitReader(f, MaxFileBytes))
}

// Apply server-side-applies each object in order, defaulting the namespace of
// namespaced objects that have none. It stops at the first refusal and says
// which object was refused.
func Apply(ctx context.Context, c client.Client, defaultNamespace string, objs ...*unstructured.Unstructured) error {
	for _, u := range objs {
		u = u.DeepCopy()
		if u.GetNamespace() == "" {
			namespaced, err := c.IsObjectNamespaced(u)
			if err != nil {
				return fmt.Errorf("applying %s %q: %w", u.GetKind(), u.GetName(), err)
			}
			if namespaced {
				u.SetNamespace(defaultNamespace)
			}
		}
		err := c.Apply(ctx, client.ApplyConfigurationFromUnstructured(u), client.FieldOwner(FieldManager), client.ForceOwnership)
		if err != nil {
			return fmt.Errorf("applying %s %s/%s: %w", u.GetKind(), u.GetNamespace(), u.GetName(), err)
		}
	}
	return nil
}
