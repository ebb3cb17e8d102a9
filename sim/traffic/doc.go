// Package traffic owns knsim's load generators as engine events: hey-style
// closed-loop bursts (n, c, z, q with hey's meaning), open-loop rate curves
// (constant, steps, ramp, sine, diurnal) with Poisson or even arrivals, and
// replay of Azure Functions 2019 per-minute invocation traces. Generators
// schedule one arrival at a time, so a day of traffic never floods the queue.
package traffic
