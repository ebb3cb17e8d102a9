// Package sweep owns parameter sweeps for capacity planning: which
// autoscaling settings, which scaling policy, how many nodes, at what cost.
//
// A sweep file (YAML, docs/sweep.md, JSON Schema docs/sweep.schema.json)
// names a scenario file, the parameters to vary and a design:
//
//	scenario:   the scenario file, relative to the sweep file
//	design:     grid (every combination), random or lhs (Latin hypercube),
//	            seeded so the same file always gives the same points
//	seeds:      the seeds each point runs with
//	parameters: override paths and their values or ranges
//
// An override path names a setting of the loaded scenario without editing
// its file (override.go): a revision annotation of the scenario's Knative
// Services (services[NAME].annotations[KEY]), a key of a ConfigMap the
// stack reads (configmaps[NAME].KEY), or any scenario field by its YAML
// path (cluster.nodes[0].count, workloads[hello].serviceTime.mean,
// prices.vcpuSecond). Every point is built and validated before anything
// runs: an unknown path or a value of the wrong type fails the sweep with
// the sweep file's line and column.
//
// [Run] runs the points' seeds on a pool of workers. Each run's results
// JSON is written atomically into the output folder's points/ folder, so
// a rerun of the same sweep skips what is done; a budget in runs or wall
// time stops starting new ones. The summary (summary.json) is built only
// from the files, in point order, so it is byte-identical whatever the
// number of workers or shards. Shards split the points by index for a
// Kubernetes Indexed Job ([Job]); [Merge] joins their folders.
package sweep
