// Package wire reads and writes CloudEvents over HTTP for knsim's real
// eventing shells, using the github.com/cloudevents/sdk-go/v2 HTTP binding:
// requests in binary or structured mode with specversion 0.3 or 1.0 are
// read, events are sent in binary mode, and responses are split into a
// reply event, a plain body, or a reply that failed to decode. Binary
// CloudEvents 1.0 messages, the common case, are decoded with the sdk's own
// attribute setters but without the binding's intermediate copies, and
// request heads can be appended straight from an event
// (AppendBinaryRequest) for clients that write HTTP/1.1 themselves.
//
// Bodies are bounded: DefaultMaxBodyBytes (4 MiB, the usual limit of HTTP
// ingresses and well above CloudEvents' recommended 64 KiB) unless the
// caller picks another limit; a larger request fails with an error wrapping
// eventing.ErrBodyTooLarge, which the ingress answers with 413.
package wire
