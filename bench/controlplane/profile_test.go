package controlplanebench

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestParseRequestCounts: apiserver_request_total's lines are summed by
// verb, resource, subresource and code; other metrics and comments are
// skipped, and a line that does not parse is an error naming it.
func TestParseRequestCounts(t *testing.T) {
	for _, tc := range []struct {
		name    string
		text    string
		want    Requests
		wantErr string
	}{
		{
			name: "summed over the other labels",
			text: `# HELP apiserver_request_total Counter of apiserver requests
# TYPE apiserver_request_total counter
apiserver_request_total{code="200",component="apiserver",dry_run="",group="serving.knative.dev",resource="services",scope="resource",subresource="status",verb="PUT",version="v1"} 400
apiserver_request_total{code="200",component="apiserver",dry_run="",group="other.example",resource="services",scope="resource",subresource="status",verb="PUT",version="v1"} 2
apiserver_request_total{code="409",component="apiserver",dry_run="",group="serving.knative.dev",resource="services",scope="resource",subresource="status",verb="PUT",version="v1"} 33
apiserver_request_total{code="201",component="apiserver",dry_run="",group="",resource="pods",scope="resource",subresource="",verb="POST",version="v1"} 1e+02
apiserver_request_duration_seconds_count{verb="PUT"} 9
`,
			want: Requests{"PUT services/status 200": 402, "PUT services/status 409": 33, "POST pods 201": 100},
		},
		{name: "no requests", text: "process_cpu_seconds_total 3\n", want: Requests{}},
		{name: "bad count", text: `apiserver_request_total{code="200",verb="GET"} many`, wantErr: `metrics line "apiserver_request_total{code=\"200\",verb=\"GET\"} many"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseRequestCounts(strings.NewReader(tc.text))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("counts (-want +got):\n%s", diff)
			}
		})
	}
}

// TestRequestsSubTop: the counts of a measurement are the counters'
// growth, and Top orders them most frequent first (ties by name).
func TestRequestsSubTop(t *testing.T) {
	before := Requests{"PUT a 200": 5, "GET b 200": 7, "POST c 201": 1}
	after := Requests{"PUT a 200": 15, "GET b 200": 7, "POST c 201": 11, "PUT d 409": 3}
	if diff := cmp.Diff([]string{"10 POST c 201", "10 PUT a 200", "3 PUT d 409"}, after.sub(before).Top(5)); diff != "" {
		t.Errorf("Top (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"10 POST c 201"}, after.sub(before).Top(1)); diff != "" {
		t.Errorf("Top(1) (-want +got):\n%s", diff)
	}
}
