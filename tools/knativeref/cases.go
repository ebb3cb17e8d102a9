package main

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Files of a conformance case directory.
const (
	caseTrace       = "trace.csv"
	caseConfig      = "config-autoscaler.yaml"
	caseAnnotations = "annotations.yaml"
	caseFlags       = "flags"
	caseReference   = "knative.csv"
)

// caseOptions reads a case directory: its trace, its optional config and
// annotations files, and its optional flags file (one flag a line, # for
// comments; see options.addFlags).
func caseOptions(dir string) (options, error) {
	o := options{trace: filepath.Join(dir, caseTrace), out: filepath.Join(dir, caseReference)}
	fset := flag.NewFlagSet(dir, flag.ContinueOnError)
	o.addFlags(fset)
	for name, dst := range map[string]*string{caseConfig: &o.config, caseAnnotations: &o.annotations} {
		p := filepath.Join(dir, name)
		if _, err := os.Stat(p); err == nil {
			*dst = p
		} else if !errors.Is(err, fs.ErrNotExist) {
			return o, err
		}
	}
	raw, err := os.ReadFile(filepath.Join(dir, caseFlags))
	if errors.Is(err, fs.ErrNotExist) {
		return o, nil
	}
	if err != nil {
		return o, err
	}
	var args []string
	for _, line := range strings.Split(string(raw), "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			args = append(args, line)
		}
	}
	if err := fset.Parse(args); err != nil {
		return o, fmt.Errorf("%s: %w", filepath.Join(dir, caseFlags), err)
	}
	if fset.NArg() > 0 {
		return o, fmt.Errorf("%s: unexpected %q", filepath.Join(dir, caseFlags), fset.Args())
	}
	return o, nil
}

// runCases writes knative.csv in every case directory under root (every
// directory holding a trace.csv).
func runCases(root string) error {
	entries, err := os.ReadDir(root)
	if err != nil {
		return err
	}
	var dirs []string
	for _, e := range entries {
		if _, err := os.Stat(filepath.Join(root, e.Name(), caseTrace)); e.IsDir() && err == nil {
			dirs = append(dirs, filepath.Join(root, e.Name()))
		}
	}
	sort.Strings(dirs)
	if len(dirs) == 0 {
		return fmt.Errorf("%s: no case directories (with a %s)", root, caseTrace)
	}
	for _, dir := range dirs {
		o, err := caseOptions(dir)
		if err != nil {
			return err
		}
		if err := o.run(); err != nil {
			return fmt.Errorf("%s: %w", dir, err)
		}
		fmt.Fprintf(os.Stderr, "knativeref: wrote %s\n", o.out)
	}
	return nil
}
