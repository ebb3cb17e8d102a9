package manifest

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

const ksvc = `apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: helloworld-go
spec:
  template:
    spec:
      containers:
        - image: gcr.io/knative-samples/helloworld-go
`

const cm = `apiVersion: v1
kind: ConfigMap
metadata:
  name: config-domain
  namespace: knative-serving
data:
  example.com: ""
`

// id summarises a decoded object for comparison.
func id(u *unstructured.Unstructured) string {
	return u.GetAPIVersion() + "/" + u.GetKind() + " " + u.GetNamespace() + "/" + u.GetName()
}

func TestDecode(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{{
		name: "empty input",
		in:   "",
	}, {
		name: "single document",
		in:   ksvc,
		want: []string{"serving.knative.dev/v1/Service /helloworld-go"},
	}, {
		name: "two documents in order",
		in:   ksvc + "---\n" + cm,
		want: []string{
			"serving.knative.dev/v1/Service /helloworld-go",
			"v1/ConfigMap knative-serving/config-domain",
		},
	}, {
		name: "leading, trailing and repeated separators are skipped",
		in:   "---\n" + cm + "---\n---\n" + ksvc + "---\n",
		want: []string{
			"v1/ConfigMap knative-serving/config-domain",
			"serving.knative.dev/v1/Service /helloworld-go",
		},
	}, {
		name: "comment-only and whitespace-only documents are skipped",
		in:   "# header comment\n# more\n---\n" + ksvc + "---\n   \n\n---\n# trailing comment\n",
		want: []string{"serving.knative.dev/v1/Service /helloworld-go"},
	}, {
		name: "document of only null is skipped",
		in:   "null\n---\n" + cm,
		want: []string{"v1/ConfigMap knative-serving/config-domain"},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			objs, err := Decode("inline", strings.NewReader(tc.in))
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			var got []string
			for _, u := range objs {
				got = append(got, id(u))
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("objects (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecodeKeepsFields(t *testing.T) {
	objs, err := Decode("inline", strings.NewReader(ksvc))
	if err != nil || len(objs) != 1 {
		t.Fatalf("Decode = %d objects, %v; want 1, nil", len(objs), err)
	}
	containers, found, err := unstructured.NestedSlice(objs[0].Object, "spec", "template", "spec", "containers")
	if err != nil || !found {
		t.Fatalf("containers not found: %v", err)
	}
	want := []any{map[string]any{"image": "gcr.io/knative-samples/helloworld-go"}}
	if diff := cmp.Diff(want, containers); diff != "" {
		t.Errorf("containers (-want +got):\n%s", diff)
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		// want are substrings the error must contain.
		want []string
	}{{
		name: "missing apiVersion",
		in:   "kind: Service\nmetadata:\n  name: a\n",
		want: []string{"svc.yaml: document 1:", "apiVersion and kind are required"},
	}, {
		name: "missing kind in second document",
		in:   ksvc + "---\napiVersion: v1\nmetadata:\n  name: a\n",
		want: []string{"svc.yaml: document 2:", "apiVersion and kind are required"},
	}, {
		name: "missing metadata.name names the kind",
		in:   cm + "---\n" + ksvc + "---\napiVersion: v1\nkind: Secret\nmetadata:\n  generateName: s-\n",
		want: []string{"svc.yaml: document 3 (Secret):", "metadata.name is required"},
	}, {
		name: "malformed YAML",
		in:   ksvc + "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: [unclosed\n",
		want: []string{"svc.yaml: document 2:"},
	}, {
		name: "a leading separator is not a document",
		in:   "---\nkind: Service\n",
		want: []string{"svc.yaml: document 1:"},
	}, {
		name: "skipped comment-only documents still count",
		in:   "# header\n---\nkind: Service\n",
		want: []string{"svc.yaml: document 2:"},
	}, {
		name: "a document that is not a mapping",
		in:   "- just\n- a list\n",
		want: []string{"svc.yaml: document 1:"},
	}, {
		name: "bad indentation",
		in:   "apiVersion: v1\nkind: ConfigMap\n metadata:\n  name: a\n",
		want: []string{"svc.yaml: document 1:"},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			objs, err := Decode("svc.yaml", strings.NewReader(tc.in))
			if err == nil {
				t.Fatalf("Decode = %d objects, nil error; want an error", len(objs))
			}
			if objs != nil {
				t.Errorf("Decode returned %d objects alongside an error", len(objs))
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestDecodeFile(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.yaml")
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(good, []byte(ksvc+"---\n"+cm), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, []byte(ksvc+"---\nkind: Service\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	objs, err := DecodeFile(good)
	if err != nil {
		t.Fatalf("DecodeFile(good): %v", err)
	}
	if len(objs) != 2 {
		t.Errorf("DecodeFile(good) = %d objects, want 2", len(objs))
	}

	if _, err := DecodeFile(bad); err == nil || !strings.Contains(err.Error(), bad+": document 2:") {
		t.Errorf("DecodeFile(bad) error = %v, want one naming %q and document 2", err, bad)
	}
	if _, err := DecodeFile(filepath.Join(dir, "missing.yaml")); !os.IsNotExist(err) {
		t.Errorf("DecodeFile(missing) error = %v, want not-exist", err)
	}
}

// TestDecodeFileRefusesSpecialFiles checks that DecodeFile reads only
// regular files within MaxFileBytes: a named pipe blocked forever and
// /dev/zero filled memory before.
func TestDecodeFileRefusesSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	pipe := filepath.Join(dir, "pipe.yaml")
	if err := syscall.Mkfifo(pipe, 0o600); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	big := filepath.Join(dir, "big.yaml")
	if err := os.WriteFile(big, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(big, MaxFileBytes+1); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path, want string
	}{
		{"named pipe", pipe, pipe + " is not a regular file"},
		{"device", "/dev/zero", "/dev/zero is not a regular file"},
		{"too large", big, big + " is not a regular file of at most 16777216 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeFile(tt.path)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}
