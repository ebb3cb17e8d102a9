package jetstream

import (
	"context"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"

	"github.com/knsim/knsim/system/eventing/delivery"
	"github.com/knsim/knsim/system/eventing/wire"
)

// work is one JetStream message being handled.
type work struct {
	msg jetstream.Msg
}

// receive takes a message from a consume loop: it starts handling it, or,
// when the channels are closing, hands it straight back.
func (c *Channels) receive(cons *consumer, m jetstream.Msg) {
	c.imu.Lock()
	if c.closing {
		c.imu.Unlock()
		c.nak(m, 0)
		return
	}
	w := &work{msg: m}
	c.inflight[w] = struct{}{}
	c.wg.Add(1)
	c.imu.Unlock()
	go c.handle(cons, w)
}

// handle makes one attempt to the subscriber for delivery number n of the
// message (JetStream's count) and settles the message:
//
//   - 2xx: forward the reply, if any, to the replyUri (in process, with
//     the subscriber's retries; a failure dead-letters the original), then
//     ack;
//   - a retriable failure with attempts left (n < 1 + retry): nak with the
//     policy's backoff for retry n as delay, so JetStream redelivers it;
//   - otherwise: send the event with the knativeerror* extensions to the
//     dead letter sink (in process, with the subscriber's retries), then
//     ack; with no sink, or if the sink fails too, terminate it (lost,
//     counted).
//
// An attempt aborted by Close hands the message back (nak) instead.
func (c *Channels) handle(cons *consumer, w *work) {
	defer func() {
		c.imu.Lock()
		delete(c.inflight, w)
		c.imu.Unlock()
		c.wg.Done()
	}()
	m := w.msg
	n := 1
	if meta, err := m.Metadata(); err == nil && meta.NumDelivered > 0 {
		n = int(meta.NumDelivered)
	}
	if n > 1 {
		c.counters.redelivered.Add(1)
	}
	ev, err := decode(m.Headers(), m.Data())
	if err != nil {
		c.counters.undecodable.Add(1)
		c.log.Warn("jetstream: message is not a CloudEvent; terminated", zap.String("subject", m.Subject()), zap.Error(err))
		_ = m.TermWithReason("not a CloudEvent")
		return
	}
	sub := cons.sub.Load()
	p := sub.Delivery
	// The state machine sees this one attempt with the retries left after
	// it, so it says Retry exactly when JetStream should redeliver.
	left := p
	left.Retry = max(0, p.Attempts()-n)
	d := delivery.New(ev, sub.SubscriberURI, left, delivery.Options{DiscardNonEventReply: true})
	a, aborted := c.attempt(d)
	if aborted {
		c.handBack(m)
		return
	}
	c.counters.attempts.Add(1)
	now := c.clk.Now()
	dec := d.Next(now, a)
	dec.Attempts = n
	switch dec.Action {
	case delivery.Retry:
		dec.Wait = p.RetryWait(n, dec.Status, a.RetryAfter, now)
		c.observe(d, dec)
		c.nak(m, dec.Wait)
	case delivery.Done:
		c.observe(d, dec)
		if dec.Reply != nil {
			c.counters.replies.Add(1)
			if sub.ReplyURI == "" {
				c.counters.repliesDropped.Add(1)
			} else {
				rd := delivery.New(dec.Reply, sub.ReplyURI, p, delivery.Options{Kind: delivery.ToReply, DeadLetterEvent: ev})
				if _, aborted := c.runLocal(rd); aborted {
					c.handBack(m)
					return
				}
			}
		}
		c.ack(m)
	case delivery.DeadLetter:
		c.observe(d, dec)
		dl := delivery.New(dec.DeadLetter, dec.DeadLetterURI, p.WithoutDeadLetter(), delivery.Options{Kind: delivery.ToDeadLetter})
		final, aborted := c.runLocal(dl)
		switch {
		case aborted:
			c.handBack(m)
		case final.Action == delivery.Done:
			c.ack(m)
		default:
			_ = m.TermWithReason("dead letter sink failed")
		}
	default: // Drop: no dead letter sink.
		c.observe(d, dec)
		_ = m.TermWithReason("delivery failed; no dead letter sink")
	}
}

// runLocal drives a reply or dead-letter delivery in this goroutine,
// waiting between retries on the clock; aborted reports that Close cut it
// short.
func (c *Channels) runLocal(d *delivery.Delivery) (final delivery.Decision, aborted bool) {
	for {
		a, aborted := c.attempt(d)
		if aborted {
			return delivery.Decision{}, true
		}
		dec := d.Next(c.clk.Now(), a)
		c.observe(d, dec)
		switch dec.Action {
		case delivery.Retry:
			if dec.Wait <= 0 {
				continue
			}
			t := c.clk.NewTimer(dec.Wait)
			select {
			case <-t.C():
			case <-c.ctx.Done():
				t.Stop()
				return delivery.Decision{}, true
			}
		case delivery.DeadLetter:
			d = d.DeadLetterDelivery(dec)
		default:
			return dec, false
		}
	}
}

// attempt sends d's event once in binary mode and reads the answer;
// aborted reports that Close cancelled it (there is no outcome).
func (c *Channels) attempt(d *delivery.Delivery) (delivery.Attempt, bool) {
	ctx := c.ctx
	if ctx.Err() != nil {
		return delivery.Attempt{}, true
	}
	if t := d.Timeout(); t > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithCancel(ctx)
		timer := c.clk.AfterFunc(t, cancel)
		defer func() {
			timer.Stop()
			cancel()
		}()
	}
	req, err := wire.NewRequest(ctx, d.Target(), d.Event())
	if err != nil {
		return delivery.Attempt{Err: err}, false
	}
	if d.Kind() == delivery.ToSubscriber {
		req.Header.Set("Prefer", "reply")
	}
	resp, err := c.cfg.Client.Do(req)
	if err != nil {
		if c.ctx.Err() != nil {
			return delivery.Attempt{}, true
		}
		return delivery.Attempt{Err: err}, false
	}
	r := wire.ReadResponse(resp, c.cfg.MaxBodyBytes)
	return delivery.Attempt{
		Status:     r.Status,
		RetryAfter: r.RetryAfter,
		Body:       r.Body,
		Reply:      r.Reply,
		ReplyErr:   r.ReplyErr,
	}, false
}

// handBack returns a message to JetStream for redelivery at once (to the
// next dispatcher, after a restart).
func (c *Channels) handBack(m jetstream.Msg) {
	c.counters.aborted.Add(1)
	c.nak(m, 0)
}

// nak hands m back for redelivery after delay. It always sends a delay
// (at least 1ns): JetStream then records the redelivery time with the
// consumer's state, so after a server restart the event comes back at
// once, where a plain nak would wait for AckWait.
func (c *Channels) nak(m jetstream.Msg, delay time.Duration) {
	c.counters.naks.Add(1)
	if err := m.NakWithDelay(max(delay, time.Nanosecond)); err != nil {
		c.log.Debug("jetstream nak", zap.Error(err))
	}
}

// ack acknowledges m and waits for JetStream to confirm, so a restart
// right after does not redeliver it.
func (c *Channels) ack(m jetstream.Msg) {
	if err := m.DoubleAck(context.Background()); err != nil {
		c.log.Debug("jetstream ack", zap.Error(err))
	}
}

// observe counts a decision and tells Config.Observe.
func (c *Channels) observe(d *delivery.Delivery, dec delivery.Decision) {
	c.counters.delivery.Observe(d, dec)
	if c.cfg.Observe != nil {
		c.cfg.Observe(d, dec)
	}
}
