// Package shell starts knsim's real shells: the Serving shell
// (servingshell: gateway, activator and one queue-proxy per ready pod on
// 127.0.0.1, in-process user containers) and the Eventing shell
// (eventingshell: broker and channel ingresses, deliveries, durable channels
// on NATS JetStream), both kept in step with one control plane and sharing
// its clock. Start is the one place they are assembled, for `knsim up` and
// for real-mode scenario runs alike; the virtual shells of the simulator
// (sim/dataplane, sim/eventplane) call the same cores from engine events.
package shell
