package eventplane

import (
	"time"

	"github.com/knsim/knsim/sim/dataplane"
	"github.com/knsim/knsim/system/telemetry"
)

// DataPlaneSender adapts the Serving data plane to Sender: a delivery is a
// request through the data plane, and its response is the status and the
// Service of the record the data plane hands the request's callback.
func DataPlaneSender(p *dataplane.Plane) Sender {
	return dpSender{plane: p}
}

type dpSender struct{ plane *dataplane.Plane }

// Send implements Sender.
func (a dpSender) Send(now time.Time, host string, done func(time.Time, Response)) {
	a.plane.Send(now, host, func(rec telemetry.Record) {
		r := Response{Status: rec.Status}
		if rec.Service != "" {
			r.Service = rec.Namespace + "/" + rec.Service
		}
		done(rec.End, r)
	})
}
