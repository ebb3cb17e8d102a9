// Package azuretrace imports the Azure Functions 2019 dataset
// (AzureFunctionsDataset2019, Shahrad et al., "Serverless in the Wild",
// ATC'20) into a runnable knsim scenario.
//
// It owns:
//
//   - reading one day of the dataset in its published format
//     (read.go): the invocation counts
//     (invocations_per_function_md.anon.dNN.csv), the execution-time
//     percentiles (function_durations_percentiles.anon.dNN.csv) and the
//     app memory percentiles (app_memory_percentiles.anon.dNN.csv), each
//     header checked column by column and every bad value reported with
//     its file, line and column;
//   - joining them into functions and picking which to keep (select.go):
//     a window of minutes, the busiest N, or N representative functions
//     drawn as the In-Vitro sampler does, by the smallest Wasserstein
//     distance between the sample's and the population's per-function
//     invocation-rate and execution-time distributions (wasserstein.go);
//   - the models fitted to the data (fit.go): a log-normal execution time
//     through each function's p50 and p99, and a memory request per
//     function from its app's average allocated memory split evenly over
//     the app's functions;
//   - turning the selection into a sim/fleet.Fleet whose writers write
//     the scenario, its trace and its Knative Services (scenario.go), with
//     collision-safe DNS-1035 Service names derived from the hashes.
//
// cmd/knsim's `knsim trace import` is the command line over this package;
// docs/trace-import.md describes the formats, the fits and the selection.
//
// # Determinism
//
// The same files, selection and seed give the same scenario, byte for
// byte: functions keep the invocation file's order, ties are broken by
// that order, and the sample's random subsets come from one seeded stream.
package azuretrace
