// Package runner runs a scenario: it validates the file, builds the world
// (engine, control plane on envtest or in memory, cluster emulation, data
// plane, autoscaler), replays the traffic and actions in virtual time,
// records what happened and evaluates the expectations into results.
package runner
