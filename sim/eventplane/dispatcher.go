package eventplane

import (
	"slices"
	"strings"
	"time"

	"github.com/knsim/knsim/system/eventing/channel"
)

// Dispatchers: the in-memory one shared by brokers and in-memory channels,
// a durable one per durable channel, and their restarts.

// dispatcher holds the deliveries of one dispatch process.
type dispatcher struct {
	name    string
	durable bool
	// restartable is false for producers' direct sends.
	restartable bool
	downUntil   time.Time
	jobs        map[uint64]*job
}

// down says whether d is restarting at now.
func (d *dispatcher) down(now time.Time) bool { return now.Before(d.downUntil) }

// RestartDispatchers restarts the dispatchers of a class ("in-memory",
// "durable" or "" for both) at now; they are back after downtime.
func (p *Plane) RestartDispatchers(now time.Time, class string, downtime time.Duration) {
	var ds []*dispatcher
	if class == "" || class == "in-memory" {
		ds = append(ds, p.memory)
	}
	if class == "" || class == "durable" {
		keys := make([]channel.Key, 0, len(p.durables))
		for k := range p.durables {
			keys = append(keys, k)
		}
		slices.SortFunc(keys, func(a, b channel.Key) int { return strings.Compare(a.String(), b.String()) })
		for _, k := range keys {
			ds = append(ds, p.durables[k])
		}
	}
	back := now.Add(downtime)
	for _, d := range ds {
		d.downUntil = back
		ids := make([]uint64, 0, len(d.jobs))
		for id := range d.jobs {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		for _, id := range ids {
			j := d.jobs[id]
			p.stop(j)
			j.gen++
			if !d.durable {
				p.finish(j)
				p.lose(now, j.lostKey, j.service)
				continue
			}
			// The stream still holds the event: redeliver from the first
			// attempt once the consumer is back.
			j.d = j.renew()
			p.count(Record{Kind: Retried, At: now, Service: j.service})
			p.scheduleAttempt(j, back)
		}
	}
}
