// Package scenario is knsim's scenario file format: the Go types, the loader
// and validator, the defaults and the JSON Schema.
//
// A scenario file is YAML holding one mapping:
//
//	metadata:   name, description, seed, duration, labels, mode, controlPlane
//	cluster:    node pools, scheduling policy, pod stage durations
//	workloads:  per Knative Service: service time, cold-start extra, capacity, resources
//	manifests:  Knative YAML as users write it, from files or inline
//	traffic:    generators: hey (closed loop), rate (open loop), trace (Azure replay)
//	events:     event workloads: CloudEvents at a rate or from a trace, to a Broker,
//	            channel, Sequence, Parallel or any addressable (events.go)
//	subscribers: per Knative Service that receives events: latency, errors, down
//	            windows, replies
//	actions:    timed changes: apply, patchTraffic, deletePod, cordonNode, killNode,
//	            failWorkload, slowWorkload, restartDispatcher,
//	            restartControlPlane
//	prices:     money per vCPU-second, GiB-second and request
//	expect:     expectations in the language of package sim/expect
//
// docs/scenarios.md describes every field; docs/scenario.schema.json is the
// JSON Schema, generated from these types by cmd/schemagen.
//
// # Loading
//
// [Load] and [Parse] decode the YAML (with go.yaml.in/yaml/v3, so positions
// are known), reject unknown fields and wrong types, run [Scenario.Validate],
// read and decode every manifest with sim/manifest, check trace file headers
// and that every Knative Service the scenario names is defined by a
// manifest ([Scenario.Resolve]), and finally apply defaults
// ([Scenario.Default]). Problems are collected, not stopped at: the error is
// an [ErrorList] in file order, each entry reading
//
//	scenarios/burst.yaml:12:7: traffic[0].hey.c: expected a positive integer, got "-3"
//
// For a scenario built in code, call Validate, then Resolve, then Default;
// Validate names field paths only. [Example] is a complete scenario built in
// code, equal to testdata/good/example.yaml.
//
// # Conventions
//
// Durations are Go duration strings ("90s", "1h30m"): [Duration]. Random
// durations (pod stages, service times, latencies) are sim/distribution's
// Distribution, a plain duration or a mapping such as {type: uniform, min:
// 1s, max: 3s}; this package decodes, validates and documents them. Resource
// sizes are Kubernetes quantities ("100m", "32Gi"). A zero value means
// "unset, use the default", so a scenario validates the same before and
// after Default. Services are named "name" (namespace default) or
// "namespace/name".
package scenario
