// Package fleet generates synthetic serverless fleets: N functions with a
// day of per-minute invocation counts in the Azure Functions 2019 trace
// format, the Knative Services that serve them and a runnable scenario that
// replays the day against those Services.
//
// It owns:
//
//   - the function profiles: the 20 hand-written profiles of the shipped
//     trace scenarios/traces/azure-diurnal-20.csv ([ShippedProfiles]) and,
//     for any other number of functions, a population sampled to keep the
//     workload facts of "Serverless in the Wild" (Shahrad et al., ATC'20)
//     (population.go);
//   - drawing each function's 1440 per-minute counts from its profile
//     ([Generate]) and rotating the day ([Fleet.Rotate]);
//   - writing the trace CSV ([Fleet.WriteTrace]), the Knative Services
//     ([Fleet.WriteServices]), a scenario's trace map and workloads
//     ([Fleet.WriteMap]) and a whole scenario folder ([Fleet.WriteScenario]);
//     sim/azuretrace writes fleets read from the real dataset with them
//     ([Fleet.Source] names where they come from, [Profile.MemoryMi] each
//     Service's memory request);
//   - the facts of a generated day ([Fleet.Stats]): totals, shares, idle
//     minutes, inter-arrival CV and the busiest hour.
//
// scenarios/tools/gentrace is the command line over this package;
// bench/fleet runs the scenarios it writes to measure the simulator's cost
// as the fleet grows.
//
// # Determinism
//
// The same [Config] gives the same fleet, byte for byte. Every function
// draws from its own random stream (the seed and its index), so changing
// one profile leaves the others' counts alone. Hashes (owner, app,
// function) depend only on the function's index, never on the seed, so a
// scenario's trace map stays valid when the seed changes.
//
// # The sampled population
//
// With N != 20 functions, daily invocation rates follow a log-normal over
// orders of magnitude (sigma 3.6 in natural log): 45 % of the functions are
// invoked at most once an hour (24 a day) and the top 20 % make over 99 %
// of the invocations. Each function takes a quantile of that distribution
// (a seeded permutation hands the quantiles (k+0.5)/N to the indices), so
// the facts hold for every seed and any N rather than on average. The top
// 20 % are scaled together so that the day totals about
// [Config.InvocationsPerFunction] invocations per function (60,000 by
// default: 1.2 million for 20 functions, 6 million for 100; bursty days
// move the total by up to about 15 percent); the others keep the
// distribution's rates, at least one invocation a day on average.
//
// Triggers follow the mix of the paper (HTTP the most common, then timers
// and queues, then orchestration, storage, events and others), per band of
// rate: timers only among the rare and moderate functions, with fixed
// periods (1, 2, 5 or 15 minutes when moderate, hourly or daily when
// rare); queue and storage functions are bursty (a log-normal factor per
// 10-minute block, inter-arrival CV > 1) or come in clusters; HTTP, event
// and orchestration functions follow a diurnal curve peaking between 12:00
// and 17:00, some HTTP ones only in business hours. Execution times are
// log-normal per function with a median between 30 ms and 5 s, shortened
// (down to 30 ms) for the busiest functions so that none keeps more than
// [MaxMeanConcurrency] invocations in flight on average.
package fleet
