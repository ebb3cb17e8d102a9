// Package enginebench benchmarks knsim's discrete-event engine (sim/engine).
//
// It holds an M/M/1 model shared by the Go benchmarks and by
// cmd/simpyratio, which runs the same model in SimPy 3 (mm1_simpy.py) and
// reports how many times faster the engine simulates it.
package enginebench
