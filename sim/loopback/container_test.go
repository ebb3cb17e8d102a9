package loopback

import (
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/utils/clock"

	"github.com/knsim/knsim/sim/dataplane"
)

// A user container greets plain requests and takes CloudEvents as an event
// sink does: 202, no body.
func TestContainerAnswers(t *testing.T) {
	c := NewContainer(clock.RealClock{}, dataplane.Workload{}, "", rand.New(rand.NewPCG(1, 2)))
	type answer struct {
		Status int
		Body   string
	}
	for _, tc := range []struct {
		name   string
		header map[string]string
		want   answer
	}{
		{"plain", nil, answer{200, "Hello World!\n"}},
		{"binary CloudEvent", map[string]string{"Ce-Specversion": "1.0", "Ce-Id": "1", "Ce-Type": "t", "Ce-Source": "/s"}, answer{202, ""}},
		{"structured CloudEvent", map[string]string{"Content-Type": "application/cloudevents+json"}, answer{202, ""}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader("{}"))
			for k, v := range tc.header {
				req.Header.Set(k, v)
			}
			rec := httptest.NewRecorder()
			c.ServeHTTP(rec, req)
			if diff := cmp.Diff(tc.want, answer{rec.Code, rec.Body.String()}); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
