package scenario

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestLoadHostile loads scenarios whose files are made on the spot (named
// pipes, files over the size limits, very long expectations): each must
// fail at once with the error given, or load when want is "". Before the
// limits, the pipe blocked forever, /dev/zero filled memory and the
// expectation took most of a minute.
func TestLoadHostile(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("named pipes and /dev/zero are Unix")
	}
	manifest, err := os.ReadFile("testdata/bad/files/helloworld-go.yaml")
	if err != nil {
		t.Fatal(err)
	}
	head := "metadata: {name: hostile, duration: 1m}\n"
	withManifest := head + "manifests: [{file: ok.yaml}]\n"
	tests := []struct {
		name   string
		files  map[string]string // name -> content; "fifo", "sparse:N" make special files
		yaml   string
		limits Limits
		want   string
	}{
		{name: "manifest is a named pipe", files: map[string]string{"pipe.yaml": "fifo"},
			yaml: head + "manifests: [{file: pipe.yaml}]\n",
			want: "s.yaml:2:14: manifests[0].file: DIR/pipe.yaml is a named pipe, not a regular file"},
		{name: "trace is a named pipe", files: map[string]string{"ok.yaml": string(manifest), "pipe.csv": "fifo"},
			yaml: withManifest + "traffic: [{host: helloworld-go.default.example.com, trace: {file: pipe.csv}}]\n",
			want: "s.yaml:3:61: traffic[0].trace.file: DIR/pipe.csv is a named pipe, not a regular file"},
		{name: "manifest over 16 MiB", files: map[string]string{"big.yaml": "sparse:16777217"},
			yaml: head + "manifests: [{file: big.yaml}]\n",
			want: "s.yaml:2:14: manifests[0].file: DIR/big.yaml is 16777217 bytes; at most 16777216 are read (16 MiB)"},
		{name: "trace over 256 MiB", files: map[string]string{"ok.yaml": string(manifest), "big.csv": "sparse:268435457"},
			yaml: withManifest + "traffic: [{host: helloworld-go.default.example.com, trace: {file: big.csv}}]\n",
			want: "s.yaml:3:61: traffic[0].trace.file: DIR/big.csv is 268435457 bytes; at most 268435456 are read (256 MiB)"},
		{name: "outside allowed: /etc/passwd is read", files: map[string]string{},
			yaml: head + "manifests: [{file: /etc/passwd}]\n", limits: Limits{FilesOutside: true},
			want: "s.yaml:2:14: manifests[0].file: /etc/passwd: document 1: "},
		{name: "outside allowed: /dev/zero is still refused", files: map[string]string{},
			yaml: head + "manifests: [{file: /dev/zero}]\n", limits: Limits{FilesOutside: true},
			want: "s.yaml:2:14: manifests[0].file: /dev/zero is a device, not a regular file"},
		{name: "subfolder", files: map[string]string{"sub/ok.yaml": string(manifest)},
			yaml: head + "manifests: [{file: sub/ok.yaml}]\n"},
		{name: "100 k leading ! in an expectation", files: map[string]string{"ok.yaml": string(manifest)},
			yaml: withManifest + "expect: ['" + strings.Repeat("!", 100_000) + "pods.max < 3']\n",
			want: "s.yaml:3:10011: expect[0]: the expectation is 100012 bytes long; at most 10000 are allowed"},
		{name: "duration over the default limit", files: map[string]string{},
			yaml: "metadata: {name: long, duration: 745h}\n",
			want: "s.yaml:1:24: metadata.duration: is 745h, over the limit of 744h of virtual time (31 days); knsim run --max-duration raises it"},
		{name: "duration limit raised", files: map[string]string{},
			yaml: "metadata: {name: long, duration: 745h}\n", limits: Limits{MaxDuration: Duration(1000 * 60 * 60 * 1e9)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, content := range tt.files {
				path := filepath.Join(dir, name)
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				switch {
				case content == "fifo":
					if err := syscall.Mkfifo(path, 0o644); err != nil {
						t.Fatal(err)
					}
				case strings.HasPrefix(content, "sparse:"):
					f, err := os.Create(path)
					if err != nil {
						t.Fatal(err)
					}
					var size int64
					for _, c := range strings.TrimPrefix(content, "sparse:") {
						size = size*10 + int64(c-'0')
					}
					if err := f.Truncate(size); err != nil {
						t.Fatal(err)
					}
					f.Close()
				default:
					if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
						t.Fatal(err)
					}
				}
			}
			_, err := ParseWith("s.yaml", []byte(tt.yaml), dir, tt.limits)
			got := ""
			if err != nil {
				got = strings.ReplaceAll(err.Error(), dir, "DIR")
			}
			if strings.HasSuffix(tt.want, ": ") && strings.HasPrefix(got, tt.want) {
				got = tt.want // only the start of a decoder's message is checked
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}

// TestLoadScenarioFile checks that the scenario file itself must be a
// regular file of at most MaxScenarioBytes.
func TestLoadScenarioFile(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("/dev/zero is Unix")
	}
	dir := t.TempDir()
	big := filepath.Join(dir, "big.yaml")
	if err := os.WriteFile(big, []byte(strings.Repeat("#", MaxScenarioBytes+1)), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path, want string
	}{
		{"device", "/dev/zero", "/dev/zero: is a device, not a regular file"},
		{"too large", big, big + ": the file is 4194305 bytes; a scenario file holds at most 4194304 (4 MiB)"},
		{"missing", filepath.Join(dir, "none.yaml"), filepath.Join(dir, "none.yaml") + ": open " + filepath.Join(dir, "none.yaml") + ": no such file or directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(tt.path)
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
