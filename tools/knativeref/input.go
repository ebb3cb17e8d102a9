package main

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"

	asconfig "knative.dev/serving/pkg/autoscaler/config"
)

// sample is one trace row.
type sample struct {
	second      int64
	concurrency float64
	rps         float64
	ready       int
}

type trace struct {
	samples          []sample
	hasRPS, hasReady bool
}

// readTrace reads a trace CSV: a header naming second, concurrency and
// optionally rps and ready_pods; # comments and blank lines are skipped.
func readTrace(name string) (*trace, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comment = '#'
	r.TrimLeadingSpace = true
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: header: %w", name, err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.ToLower(strings.TrimSpace(h))] = i
	}
	for _, need := range []string{"second", "concurrency"} {
		if _, ok := col[need]; !ok {
			return nil, fmt.Errorf("%s: missing column %q", name, need)
		}
	}
	t := &trace{}
	_, t.hasRPS = col["rps"]
	_, t.hasReady = col["ready_pods"]
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		line, _ := r.FieldPos(0)
		field := func(c string) string { return strings.TrimSpace(rec[col[c]]) }
		s := sample{ready: -1}
		if s.second, err = strconv.ParseInt(field("second"), 10, 64); err != nil {
			return nil, fmt.Errorf("%s:%d: second: %w", name, line, err)
		}
		if n := len(t.samples); n > 0 && s.second <= t.samples[n-1].second {
			return nil, fmt.Errorf("%s:%d: second does not increase", name, line)
		}
		if s.concurrency, err = strconv.ParseFloat(field("concurrency"), 64); err != nil || s.concurrency < 0 {
			return nil, fmt.Errorf("%s:%d: bad concurrency %q", name, line, field("concurrency"))
		}
		if t.hasRPS {
			if s.rps, err = strconv.ParseFloat(field("rps"), 64); err != nil || s.rps < 0 {
				return nil, fmt.Errorf("%s:%d: bad rps %q", name, line, field("rps"))
			}
		}
		if t.hasReady {
			n, err := strconv.Atoi(field("ready_pods"))
			if err != nil || n < 0 {
				return nil, fmt.Errorf("%s:%d: bad ready_pods %q", name, line, field("ready_pods"))
			}
			s.ready = n
		}
		t.samples = append(t.samples, s)
	}
	if len(t.samples) == 0 {
		return nil, fmt.Errorf("%s: no rows", name)
	}
	return t, nil
}

// readyAt is the ready_pods of the latest row at or before second (the
// first row's before it).
func (t *trace) readyAt(second int64) (int, bool) {
	if !t.hasReady {
		return 0, false
	}
	i := sort.Search(len(t.samples), func(i int) bool { return t.samples[i].second > second })
	if i == 0 {
		return t.samples[0].ready, true
	}
	return t.samples[i-1].ready, true
}

// readConfig reads config-autoscaler data: a ConfigMap manifest (the one
// named config-autoscaler in a multi-document file) or a flat map.
func readConfig(name string) (map[string]string, error) {
	raw, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	for _, doc := range bytes.Split(raw, []byte("\n---")) {
		var probe struct {
			Kind string `json:"kind"`
		}
		if err := yaml.Unmarshal(doc, &probe); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if probe.Kind == "" {
			return flatMap(name, doc)
		}
		var cm corev1.ConfigMap
		if err := yaml.Unmarshal(doc, &cm); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if cm.Kind == "ConfigMap" && cm.Name == asconfig.ConfigName {
			return cm.Data, nil
		}
	}
	return nil, fmt.Errorf("%s: no ConfigMap named %s", name, asconfig.ConfigName)
}

// readFlatMap reads a flat key: value map.
func readFlatMap(name string) (map[string]string, error) {
	raw, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	return flatMap(name, raw)
}

func flatMap(name string, raw []byte) (map[string]string, error) {
	var m map[string]any
	if err := yaml.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		switch x := v.(type) {
		case string:
			out[k] = x
		case bool:
			out[k] = strconv.FormatBool(x)
		case float64:
			out[k] = strconv.FormatFloat(x, 'f', -1, 64)
		default:
			return nil, fmt.Errorf("%s: key %q: want a scalar value", name, k)
		}
	}
	return out, nil
}
