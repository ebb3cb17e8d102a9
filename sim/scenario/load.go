package scenario

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v3"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/knsim/knsim/sim/expect"
	"github.com/knsim/knsim/sim/manifest"
)

// Load reads, checks and defaults a scenario file; relative paths in it are
// resolved against the file's folder. The error, if any, is an ErrorList
// whose entries read "file:line:column: field.path: what was expected".
func Load(path string) (*Scenario, error) { return LoadWith(path, Limits{}) }

// LoadWith is Load with other limits than the default. The file must be a
// regular file of at most MaxScenarioBytes.
func LoadWith(path string, l Limits) (*Scenario, error) {
	data, err := readScenarioFile(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			return nil, ErrorList{{File: path, Msg: err.Error()}}
		}
		return nil, ErrorList{{File: path, Msg: strings.TrimPrefix(err.Error(), path+" ")}}
	}
	return ParseWith(path, data, filepath.Dir(path), l)
}

// Parse checks and defaults a scenario held in memory. name labels errors
// (usually the file's path); baseDir resolves the relative paths of
// manifest and trace files. Every problem found is reported, in file order,
// before anything runs: YAML syntax, unknown fields, wrong types, invalid
// values, manifests that do not decode, unreadable trace files, and
// references to Knative Services no manifest defines.
func Parse(name string, data []byte, baseDir string) (*Scenario, error) {
	return ParseWith(name, data, baseDir, Limits{})
}

// ParseWith is Parse with other limits than the default; the scenario
// keeps them in its Limits field.
func ParseWith(name string, data []byte, baseDir string, l Limits) (*Scenario, error) {
	root, errs := parseYAML(name, data)
	if errs != nil {
		return nil, errs
	}
	s := &Scenario{File: name, Dir: baseDir, Limits: l}
	d := newDecoder(name)
	d.lines = strings.Split(string(data), "\n")
	d.pos[""] = markOf(root)
	d.decode(root, reflect.ValueOf(s).Elem(), "")
	errs = d.errs
	for _, e := range s.validate() {
		if d.covered(e.Path) {
			continue // a decoding error already explains it
		}
		d.place(e)
		errs = append(errs, e)
	}
	for _, e := range s.resolve(func(path string) bool { return d.covered(path) || hasPrefixIn(errs, path) }) {
		d.place(e)
		errs = append(errs, e)
	}
	if len(errs) > 0 {
		errs.sort()
		return nil, errs
	}
	s.Default()
	return s, nil
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// parseYAML parses data as one YAML document and returns its root node.
func parseYAML(name string, data []byte) (*yaml.Node, ErrorList) {
	return parseDocument(name, data, documentMessages{
		empty:      "the file is empty; a scenario needs at least metadata.name and metadata.duration",
		twoDocs:    `a scenario file holds one YAML document; remove the "---" or put manifests under manifests[].inline`,
		notMapping: "a mapping with metadata, cluster, workloads, manifests, traffic, actions, prices and expect",
	})
}

// documentMessages word parseDocument's errors for one file format.
type documentMessages struct {
	// empty is the message for a file without a document, twoDocs for one
	// with more than one; notMapping follows "expected " when the root is
	// not a mapping.
	empty, twoDocs, notMapping string
}

// parseDocument parses data as one YAML document whose root is a mapping,
// with YAML's aliases bounded, and returns the root node.
func parseDocument(name string, data []byte, msg documentMessages) (*yaml.Node, ErrorList) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, ErrorList{{File: name, Msg: msg.empty}}
		}
		return nil, ErrorList{yamlError(name, err)}
	}
	var extra yaml.Node
	switch err := dec.Decode(&extra); {
	case err == nil:
		return nil, ErrorList{{File: name, Line: extra.Line, Column: extra.Column, Msg: msg.twoDocs}}
	case !errors.Is(err, io.EOF):
		return nil, ErrorList{yamlError(name, err)}
	}
	if e := checkAliases(name, &doc); e != nil {
		return nil, ErrorList{e}
	}
	root := resolve(doc.Content[0])
	if root.Kind != yaml.MappingNode || isNull(root) {
		return nil, ErrorList{{File: name, Line: root.Line, Column: root.Column,
			Msg: fmt.Sprintf("expected %s, got %s", msg.notMapping, describe(root))}}
	}
	return root, nil
}

// yamlError turns a YAML syntax error into an Error with its line.
func yamlError(name string, err error) *Error {
	if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
		line, _ := strconv.Atoi(m[1])
		return &Error{File: name, Line: line, Msg: "invalid YAML: " + m[2]}
	}
	return &Error{File: name, Msg: "invalid YAML: " + strings.TrimPrefix(err.Error(), "yaml: ")}
}

// covered reports whether path, or a path it lies under, failed to decode.
func (d *decoder) covered(path string) bool {
	for p := path; ; p = parentPath(p) {
		if d.bad[p] {
			return true
		}
		if p == "" {
			return false
		}
	}
}

func hasPrefixIn(errs ErrorList, path string) bool {
	for _, e := range errs {
		if e.Path == path || strings.HasPrefix(path, e.Path+".") || strings.HasPrefix(path, e.Path+"[") {
			return true
		}
	}
	return false
}

// place gives e the position of its path, or of the nearest enclosing path
// that was written; an expectation's syntax error points into the string.
func (d *decoder) place(e *Error) {
	e.File = d.file
	for p := e.Path; ; p = parentPath(p) {
		if m, ok := d.pos[p]; ok {
			e.Line, e.Column = m.line, m.col
			break
		}
		if p == "" {
			break
		}
	}
	if se := e.syntax; se != nil && se.Line == 1 {
		n := d.nodes[e.Path]
		if n == nil || n.Line < 1 || n.Line > len(d.lines) {
			return
		}
		// Place the column exactly when the source holds the text verbatim.
		raw := []rune(d.lines[n.Line-1])
		start := n.Column - 1
		if n.Style == yaml.DoubleQuotedStyle || n.Style == yaml.SingleQuotedStyle {
			start++
		} else if n.Style != 0 {
			return
		}
		if start < 0 || start > len(raw) || !strings.HasPrefix(string(raw[start:]), n.Value) {
			return
		}
		e.Line, e.Column, e.Msg = n.Line, start+se.Col, se.Msg
	}
}

// Resolve reads what the scenario's files hold and checks what needs them:
// it decodes each manifest (file, relative to Dir, or inline) into Objects,
// checks that each trace file exists and starts with the Azure header, and
// that every Knative Service the scenario names (workloads, actions, trace
// maps, expectations) is defined by a manifest. Parse calls it; call it
// after Validate for a scenario built in code.
func (s *Scenario) Resolve() error {
	return s.resolve(func(string) bool { return false }).err()
}

// resolve is Resolve skipping the paths skip names (already in error).
func (s *Scenario) resolve(skip func(path string) bool) ErrorList {
	v := &validator{file: s.File}
	services := map[string]bool{}
	decodeOK := true
	load := func(path string, m *Manifest) {
		if skip(path) || (m.File == "") == (m.Inline == "") {
			decodeOK = false
			return
		}
		var err error
		if m.File != "" {
			m.Objects, err = s.decodeManifestFile(m.File)
			path += ".file"
		} else {
			m.Objects, err = manifest.Decode("inline", strings.NewReader(m.Inline))
			path += ".inline"
		}
		if err != nil {
			v.errorf(path, "%s", strings.TrimPrefix(trimPathError(err), "inline: "))
			decodeOK = false
			return
		}
		for _, o := range m.Objects {
			// Plain Kubernetes Services (v1) count too: the data plane
			// routes to their pods through kube-proxy.
			if o.GetKind() == "Service" && (strings.HasPrefix(o.GetAPIVersion(), "serving.knative.dev/") || o.GetAPIVersion() == "v1") {
				ns := o.GetNamespace()
				if ns == "" {
					ns = "default"
				}
				services[ns+"/"+o.GetName()] = true
			}
		}
	}
	for i := range s.Manifests {
		load(fmt.Sprintf("manifests[%d]", i), &s.Manifests[i])
	}
	for i := range s.Actions {
		if s.Actions[i].Apply != nil {
			load(fmt.Sprintf("actions[%d].apply", i), s.Actions[i].Apply)
		}
	}
	for i, t := range s.Traffic {
		path := fmt.Sprintf("traffic[%d].trace.file", i)
		if t.Trace != nil && t.Trace.File != "" && !skip(path) {
			if err := s.checkTrace(t.Trace.File); err != nil {
				v.errorf(path, "%s", trimPathError(err))
			}
		}
	}
	for i, e := range s.Events { // event workloads' traces (events.go)
		path := fmt.Sprintf("events[%d].trace.file", i)
		if e.Trace != nil && e.Trace.File != "" && !skip(path) {
			if err := s.checkTrace(e.Trace.File); err != nil {
				v.errorf(path, "%s", trimPathError(err))
			}
		}
	}
	if decodeOK {
		s.checkServiceRefs(v, services, skip)
	}
	return v.errs
}

// decodeManifestFile reads and decodes a manifest file (OpenFile: in the
// scenario's folder, regular, at most MaxManifestBytes).
func (s *Scenario) decodeManifestFile(rel string) ([]*unstructured.Unstructured, error) {
	f, err := s.OpenFile(rel, MaxManifestBytes)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return manifest.Decode(s.Path(rel), f)
}

// trimPathError shortens *os.PathError messages to "open x: reason".
func trimPathError(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return fmt.Sprintf("cannot read %s: %v", pe.Path, pe.Err)
	}
	return err.Error()
}

// checkServiceRefs reports service names that no manifest defines.
func (s *Scenario) checkServiceRefs(v *validator, services map[string]bool, skip func(string) bool) {
	var known []string
	for k := range services {
		known = append(known, k)
	}
	check := func(path, ref string) {
		if ref == "" || skip(path) || checkServiceRef(ref) != "" {
			return
		}
		ns, name := SplitService(ref)
		if services[ns+"/"+name] {
			return
		}
		var names []string
		for _, k := range known {
			if kns, kname, _ := strings.Cut(k, "/"); kns == ns {
				names = append(names, kname)
			}
		}
		v.errorf(path, "no Knative Service %s/%s in the manifests%s", ns, name, suggestOnly(name, names))
	}
	for _, k := range sortedKeys(s.Workloads) {
		check("workloads["+k+"]", k)
	}
	s.checkEventServiceRefs(check) // subscribers (validate_events.go)
	for i, a := range s.Actions {
		path := fmt.Sprintf("actions[%d]", i)
		switch {
		case a.PatchTraffic != nil:
			check(path+".patchTraffic.service", a.PatchTraffic.Service)
		case a.DeletePod != nil:
			check(path+".deletePod.service", a.DeletePod.Service)
		case a.FailWorkload != nil:
			check(path+".failWorkload.service", a.FailWorkload.Service)
		case a.SlowWorkload != nil:
			check(path+".slowWorkload.service", a.SlowWorkload.Service)
		}
	}
	for i, t := range s.Traffic {
		if t.Trace != nil {
			for _, k := range sortedKeys(t.Trace.Map) {
				if target := t.Trace.Map[k]; !strings.Contains(target, ".") {
					check(fmt.Sprintf("traffic[%d].trace.map[%s]", i, k), target)
				}
			}
		}
	}
	for i, src := range s.Expect {
		path := fmt.Sprintf("expect[%d]", i)
		e, err := expect.Parse(src)
		if err != nil {
			continue
		}
		for _, r := range e.Refs() {
			check(path, r.Scope.Service)
		}
	}
}
