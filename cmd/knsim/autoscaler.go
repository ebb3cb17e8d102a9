package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"syscall"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"sigs.k8s.io/yaml"

	"github.com/knsim/knsim/system/apis/autoscaling"
	"github.com/knsim/knsim/system/apis/autoscaling/v1alpha1"
	"github.com/knsim/knsim/system/autoscaler/config"
	"github.com/knsim/knsim/system/autoscaler/replay"
)

func newAutoscalerCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "autoscaler",
		Short: "Work with the KPA autoscaler core",
		Long: `autoscaler groups commands that run knsim's Knative Pod Autoscaler core
(system/autoscaler) outside a cluster.`,
		Args: cobra.NoArgs,
	}
	cmd.AddCommand(newAutoscalerReplayCommand())
	return cmd
}

// configKeyUsage documents the config-autoscaler keys exposed as flags.
var configKeyUsage = map[string]string{
	config.KeyStableWindow:                       "stable window (60s; 6s..1h, whole seconds)",
	config.KeyPanicWindowPercentage:              "panic window as a percentage of the stable window (10; 1..100)",
	config.KeyPanicThresholdPercentage:           "panic when desired panic pods / ready pods reaches this percentage (200)",
	config.KeyContainerConcurrencyTargetDefault:  "per-pod concurrency total when containerConcurrency is 0 (100)",
	config.KeyContainerConcurrencyTargetFraction: "target utilization of the concurrency total, percent (70)",
	config.KeyRPSTargetDefault:                   "per-pod requests-per-second total (200; target = total * 0.7)",
	config.KeyMaxScaleUpRate:                     "one decision grows to at most ceil(rate * ready pods) (1000)",
	config.KeyMaxScaleDownRate:                   "one decision shrinks to at least floor(ready pods / rate) (2)",
	config.KeyTargetBurstCapacity:                "spare capacity to keep; 0 never, -1 always activator in path (211)",
	config.KeyActivatorCapacity:                  "concurrency one activator takes (100)",
	config.KeyScaleToZeroGracePeriod:             "activator-in-path time before the last pod goes (30s)",
	config.KeyScaleToZeroPodRetentionPeriod:      "minimum time the last pod is kept (0s)",
	config.KeyScaleDownDelay:                     "apply the maximum desired scale over this trailing window (0s)",
	config.KeyInitialScale:                       "pods a new revision starts with (1)",
	config.KeyAllowZeroInitialScale:              "allow initial-scale 0 (false)",
	config.KeyEnableScaleToZero:                  "allow scaling to zero (true)",
	config.KeyMinScale:                           "default min-scale (0)",
	config.KeyMaxScale:                           "default max-scale, 0 unbounded (0)",
	config.KeyMaxScaleLimit:                      "upper limit of max-scale, 0 none (0)",
	config.KeyPodAutoscalerClass:                 "default autoscaler class (kpa.autoscaling.knative.dev)",
	config.KeyTickInterval:                       "decision interval (2s; knsim extension)",
}

// annotationFlags are per-revision annotations without a config key of the
// same meaning; flag name -> annotation key.
var annotationFlags = map[string]struct{ key, usage string }{
	"target":                        {autoscaling.TargetAnnotationKey, "annotation target: per-pod total of the metric (soft limit)"},
	"target-utilization-percentage": {autoscaling.TargetUtilizationPercentageKey, "annotation target-utilization-percentage (1..100)"},
	"metric":                        {autoscaling.MetricAnnotationKey, "annotation metric: concurrency or rps"},
	"class":                         {autoscaling.ClassAnnotationKey, "annotation class"},
	"activation-scale":              {autoscaling.ActivationScaleKey, "annotation activation-scale: minimum non-zero scale"},
	"metric-aggregation-algorithm":  {autoscaling.MetricAggregationAlgorithmKey, "annotation metric-aggregation-algorithm: linear or weighted-exponential"},
	"window":                        {autoscaling.WindowAnnotationKey, "annotation window: the revision's stable window"},
}

type replayOptions struct {
	trace           string
	out             string
	configFile      string
	annotationsFile string
	annotations     []string
	cc              int64
	reachable       bool
	until           int64
	poke            bool
	extra           bool
	precision       int
}

func newAutoscalerReplayCommand() *cobra.Command {
	o := replayOptions{}
	cmd := &cobra.Command{
		Use:   "replay --trace FILE.csv [flags]",
		Short: "Replay a per-second metric trace through the KPA decider",
		Long: `replay feeds a per-second metric trace through knsim's metric collector and
KPA decider and prints one CSV row per decision.

The trace is CSV with a header: second (whole seconds, strictly increasing;
absolute, e.g. Unix times, or from 0), concurrency (the revision's total
average concurrency in that second), and optionally rps and ready_pods.
Each row is recorded at its second; the decider is created at the first row's
second s0 and decides every tick (2s) at s0+2, s0+4, ... up to the last row
(or --until seconds after s0), after recording that second's row.

Ready pods: with a ready_pods column, those of the latest row at or before
the decision. Without it the pods follow the decisions: the ready pods of a
decision are the desired count of the previous valid decision, starting from
the initial scale (initial-scale, 1 by default). The decider is created with
that many ready pods; more than one starts it in panic mode, as in Knative.

Output: time,desired,stable,panic,panic_mode,ebc with time in seconds since
s0, desired and ebc the decider's latest recommendation (an invalid decision,
when no sample was recorded for a whole stable window, keeps the previous
one; -1 before the first), stable and panic the observed averages (strconv
'f', shortest exact form; see --precision) and panic_mode 1 or 0. --extra
adds ready_pods, valid and event (tick or poke).

Settings: config-autoscaler keys from --config (a ConfigMap manifest or a
flat key: value map) overridden by flags named after the keys; annotations
from --annotations (a flat map or a manifest: metadata.annotations and
spec.template.metadata.annotations), then --annotation KEY=VALUE (a key
without a slash gets the autoscaling.knative.dev/ prefix), then the
annotation flags (--target, --window, ...). Annotations override config.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return o.run(cmd) },
	}
	f := cmd.Flags()
	f.StringVar(&o.trace, "trace", "", "trace CSV file (required)")
	f.StringVarP(&o.out, "out", "o", "", "write the CSV here instead of stdout")
	f.StringVar(&o.configFile, "config", "", "config-autoscaler YAML: ConfigMap manifest or flat key: value map")
	f.StringVar(&o.annotationsFile, "annotations", "", "YAML/JSON file of revision annotations, or a manifest carrying them")
	f.StringArrayVar(&o.annotations, "annotation", nil, "revision annotation KEY=VALUE (repeatable)")
	f.Int64Var(&o.cc, "container-concurrency", 0, "the revision's containerConcurrency (0: unlimited)")
	f.BoolVar(&o.reachable, "reachable", true, "whether a Route targets the revision (false: no scale-down rate floor)")
	f.Int64Var(&o.until, "until", 0, "keep deciding until this many seconds after the first row")
	f.BoolVar(&o.poke, "poke", false, "decide at once when traffic arrives at zero scale (Knative's poke)")
	f.BoolVar(&o.extra, "extra", false, "add ready_pods, valid and event columns")
	f.IntVar(&o.precision, "precision", -1, "decimals of stable and panic (-1: shortest exact)")
	for _, k := range config.Keys() {
		f.String(k, "", "config-autoscaler "+k+": "+configKeyUsage[k])
	}
	names := make([]string, 0, len(annotationFlags))
	for n := range annotationFlags {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		f.String(n, "", annotationFlags[n].usage)
	}
	_ = cmd.MarkFlagRequired("trace")
	return cmd
}

func (o replayOptions) run(cmd *cobra.Command) error {
	spec, err := o.resolve(cmd.Flags(), cmd.ErrOrStderr())
	if err != nil {
		return err
	}
	tf, err := openInput(o.trace, maxTraceBytes)
	if err != nil {
		return err
	}
	defer tf.Close()
	tr, err := replay.ReadTrace(o.trace, bufio.NewReader(io.LimitReader(tf, maxTraceBytes)))
	if err != nil {
		return err
	}
	rows, err := replay.Run(tr, replay.Options{Spec: spec, Until: o.until, Poke: o.poke})
	if err != nil {
		return err
	}
	format := replay.Format{Precision: o.precision, Extra: o.extra}
	if o.out == "" {
		return replay.WriteCSV(cmd.OutOrStdout(), rows, format)
	}
	var buf bytes.Buffer
	if err := replay.WriteCSV(&buf, rows, format); err != nil {
		return err
	}
	return os.WriteFile(o.out, buf.Bytes(), 0o644)
}

// resolve builds the revision's DeciderSpec from files and flags.
func (o replayOptions) resolve(flags *pflag.FlagSet, warn io.Writer) (config.DeciderSpec, error) {
	data := map[string]string{}
	if o.configFile != "" {
		m, err := readConfigFile(o.configFile)
		if err != nil {
			return config.DeciderSpec{}, err
		}
		data = m
	}
	for _, k := range config.Keys() {
		if flags.Changed(k) {
			data[k], _ = flags.GetString(k)
		}
	}
	for _, k := range config.UnknownKeys(data) {
		fmt.Fprintf(warn, "knsim: warning: %s: unknown config-autoscaler key %q ignored\n", o.configFile, k)
	}
	cfg, err := config.NewConfigFromMap(data)
	if err != nil {
		return config.DeciderSpec{}, err
	}

	ann := map[string]string{}
	if o.annotationsFile != "" {
		m, err := readAnnotationsFile(o.annotationsFile)
		if err != nil {
			return config.DeciderSpec{}, err
		}
		ann = m
	}
	for _, kv := range o.annotations {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || strings.TrimSpace(k) == "" {
			return config.DeciderSpec{}, fmt.Errorf("--annotation %q: want KEY=VALUE", kv)
		}
		k = strings.TrimSpace(k)
		if !strings.Contains(k, "/") {
			k = autoscaling.GroupName + "/" + k
		}
		ann[k] = v
	}
	for name, a := range annotationFlags {
		if flags.Changed(name) {
			ann[a.key], _ = flags.GetString(name)
		}
	}
	if o.cc < 0 {
		return config.DeciderSpec{}, fmt.Errorf("--container-concurrency must not be negative, got %d", o.cc)
	}
	reach := v1alpha1.ReachabilityReachable
	if !o.reachable {
		reach = v1alpha1.ReachabilityUnreachable
	}
	spec, err := cfg.Resolve(config.Revision{Annotations: ann, ContainerConcurrency: o.cc, Reachability: reach})
	if err != nil {
		return config.DeciderSpec{}, err
	}
	if spec.Class != autoscaling.KPA {
		return config.DeciderSpec{}, fmt.Errorf("autoscaler class %q: replay runs the KPA (%s) only", spec.Class, autoscaling.KPA)
	}
	return spec, nil
}

// readConfigFile reads config-autoscaler data: the data of a ConfigMap
// document (the one named config-autoscaler when there are several), or a
// flat map.
func readConfigFile(name string) (map[string]string, error) {
	docs, err := readYAMLDocs(name)
	if err != nil {
		return nil, err
	}
	var maps []map[string]any
	for _, d := range docs {
		if kind, _ := d["kind"].(string); kind == "ConfigMap" {
			maps = append(maps, d)
		}
	}
	var data any
	switch {
	case len(maps) == 0 && len(docs) == 1:
		data = docs[0]
	case len(maps) == 1:
		data = maps[0]["data"]
	default:
		for _, m := range maps {
			if md, _ := m["metadata"].(map[string]any); md != nil && md["name"] == config.ConfigMapName {
				data = m["data"]
			}
		}
		if data == nil {
			return nil, fmt.Errorf("%s: no ConfigMap named %s", name, config.ConfigMapName)
		}
	}
	return stringMap(name, "data", data)
}

// readAnnotationsFile reads revision annotations: a flat map, or a manifest
// whose metadata.annotations and spec.template.metadata.annotations (which
// win) are merged.
func readAnnotationsFile(name string) (map[string]string, error) {
	docs, err := readYAMLDocs(name)
	if err != nil {
		return nil, err
	}
	if len(docs) != 1 {
		return nil, fmt.Errorf("%s: want one document, found %d", name, len(docs))
	}
	d := docs[0]
	if _, ok := d["kind"]; !ok {
		return stringMap(name, "", d)
	}
	out := map[string]string{}
	for _, path := range [][]string{{"metadata", "annotations"}, {"spec", "template", "metadata", "annotations"}} {
		var cur any = d
		for _, p := range path {
			m, _ := cur.(map[string]any)
			cur = m[p]
		}
		if cur == nil {
			continue
		}
		m, err := stringMap(name, strings.Join(path, "."), cur)
		if err != nil {
			return nil, err
		}
		for k, v := range m {
			out[k] = v
		}
	}
	return out, nil
}

func readYAMLDocs(name string) ([]map[string]any, error) {
	f, err := openInput(name, maxConfigBytes)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	raw, err := io.ReadAll(io.LimitReader(f, maxConfigBytes))
	if err != nil {
		return nil, err
	}
	var docs []map[string]any
	for i, part := range splitYAML(raw) {
		if len(bytes.TrimSpace(part)) == 0 {
			continue
		}
		var m map[string]any
		if err := yaml.Unmarshal(part, &m); err != nil {
			return nil, fmt.Errorf("%s: document %d: %w", name, i+1, err)
		}
		if m != nil {
			docs = append(docs, m)
		}
	}
	if len(docs) == 0 {
		return nil, fmt.Errorf("%s: empty", name)
	}
	return docs, nil
}

// The largest input files of knsim autoscaler replay: a trace, and a
// --config or --annotations file.
const (
	maxTraceBytes  = 256 << 20
	maxConfigBytes = 4 << 20
)

// openInput opens a regular file of at most limit bytes, without blocking
// on a named pipe; a device, pipe or folder is refused.
func openInput(name string, limit int64) (*os.File, error) {
	st, err := os.Stat(name)
	if pe, ok := err.(*os.PathError); ok {
		return nil, &os.PathError{Op: "open", Path: pe.Path, Err: pe.Err}
	} else if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is %s, not a regular file", name, fileKind(st.Mode()))
	}
	f, err := os.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	if st, err = f.Stat(); err == nil && (!st.Mode().IsRegular() || st.Size() > limit) {
		err = fmt.Errorf("%s is %d bytes; at most %d MiB are read", name, st.Size(), limit>>20)
		if !st.Mode().IsRegular() {
			err = fmt.Errorf("%s is %s, not a regular file", name, fileKind(st.Mode()))
		}
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

func fileKind(m os.FileMode) string {
	switch {
	case m.IsDir():
		return "a folder"
	case m&os.ModeNamedPipe != 0:
		return "a named pipe"
	case m&os.ModeSocket != 0:
		return "a socket"
	case m&os.ModeDevice != 0:
		return "a device"
	}
	return "a special file"
}

// splitYAML splits a multi-document stream on "---" lines.
func splitYAML(raw []byte) [][]byte {
	var docs [][]byte
	var cur []byte
	for _, line := range bytes.SplitAfter(raw, []byte("\n")) {
		if t := bytes.TrimRight(line, " \t\r\n"); bytes.Equal(t, []byte("---")) || bytes.HasPrefix(t, []byte("--- ")) {
			docs = append(docs, cur)
			cur = nil
			continue
		}
		cur = append(cur, line...)
	}
	return append(docs, cur)
}

// stringMap turns a YAML map of scalars into strings, as a ConfigMap holds.
func stringMap(file, path string, v any) (map[string]string, error) {
	m, ok := v.(map[string]any)
	if !ok {
		if v == nil {
			return map[string]string{}, nil
		}
		return nil, fmt.Errorf("%s: %s: want a map of key: value", file, orTop(path))
	}
	out := make(map[string]string, len(m))
	for k, val := range m {
		switch x := val.(type) {
		case string:
			out[k] = x
		case bool:
			out[k] = strconv.FormatBool(x)
		case float64:
			out[k] = strconv.FormatFloat(x, 'f', -1, 64)
		case nil:
			out[k] = ""
		default:
			return nil, fmt.Errorf("%s: %s: key %q: want a scalar value", file, orTop(path), k)
		}
	}
	return out, nil
}

func orTop(path string) string {
	if path == "" {
		return "top level"
	}
	return path
}
