package eventplane

import (
	"time"

	"github.com/knsim/knsim/sim/dataplane"
)

// DataPlaneSender adapts the Serving data plane to Sender. The data plane
// tells a request's sender only when it ended; its status and Service come
// with the Record it hands to Config.OnRequest just before. So the adapter
// comes with observe, which the data plane's OnRequest must call with every
// record (the runner chains it with its own recorder).
func DataPlaneSender(p *dataplane.Plane) (s Sender, observe func(dataplane.Record)) {
	a := &dpSender{plane: p}
	return a, a.observe
}

type dpSender struct {
	plane *dataplane.Plane
	last  dataplane.Record
}

func (a *dpSender) observe(r dataplane.Record) { a.last = r }

// Send implements Sender. dataplane.Plane calls OnRequest(record) and then
// done, in the same engine event, so the last record observed is this
// request's.
func (a *dpSender) Send(now time.Time, host string, done func(time.Time, Response)) {
	a.plane.Send(now, host, func(at time.Time) {
		rec := a.last
		r := Response{Status: rec.Status}
		if rec.Service != "" {
			r.Service = rec.Namespace + "/" + rec.Service
		}
		done(at, r)
	})
}
