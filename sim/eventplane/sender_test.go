package eventplane

import (
	"net/http"
	"testing"
	"time"

	"github.com/knsim/knsim/sim/dataplane"
	"github.com/knsim/knsim/sim/engine"
)

func TestDataPlaneSender(t *testing.T) {
	eng, err := engine.New(engine.Config{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	dp, err := dataplane.New(dataplane.Config{Engine: eng})
	if err != nil {
		t.Fatal(err)
	}
	s := DataPlaneSender(dp)
	var got []Response
	for _, h := range []string{"nobody.default.svc.cluster.local", "other.example.com"} {
		s.Send(eng.Now(), h, func(_ time.Time, r Response) { got = append(got, r) })
	}
	eng.RunFor(time.Second)
	if len(got) != 2 || got[0].Status != http.StatusNotFound || got[1].Status != http.StatusNotFound || got[0].Service != "" {
		t.Errorf("responses = %+v, want two 404s from the gateway with no Service", got)
	}
}
