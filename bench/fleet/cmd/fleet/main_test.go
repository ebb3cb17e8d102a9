package main

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParse(t *testing.T) {
	for _, c := range []struct {
		args      []string
		sizes     []int
		durations []time.Duration
		err       string
	}{
		{nil, []int{20, 50, 100, 200}, []time.Duration{time.Hour, 24 * time.Hour}, ""},
		{[]string{"-n", "20, 50", "-durations", "10m"}, []int{20, 50}, []time.Duration{10 * time.Minute}, ""},
		{[]string{"-child", "-n", "7", "-durations", "2m"}, []int{7}, []time.Duration{2 * time.Minute}, ""},
		{[]string{"-n", "0"}, nil, nil, `-n: expected numbers of functions from 1 to 100000, got "0"`},
		{[]string{"-n", "20,x"}, nil, nil, `got "x"`},
		{[]string{"-durations", "25h"}, nil, nil, `-durations: expected durations above 10s and at most 24h, got "25h"`},
		{[]string{"-durations", "5s"}, nil, nil, `got "5s"`},
		{[]string{"-child"}, nil, nil, "-child runs one fleet: give one -n and one -durations"},
		{[]string{"now"}, nil, nil, `unexpected arguments ["now"]`},
	} {
		o, err := parse(c.args)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if c.err == "" && err != nil || c.err != "" && !strings.Contains(got, c.err) {
			t.Errorf("parse(%q): error %q, want %q", c.args, got, c.err)
			continue
		}
		if c.err == "" {
			if diff := cmp.Diff([]any{c.sizes, c.durations}, []any{o.sizes, o.durations}); diff != "" {
				t.Errorf("parse(%q): sizes, durations (-want +got):\n%s", c.args, diff)
			}
		}
	}
}
