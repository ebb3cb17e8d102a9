//go:build race

package engine_test

// raceEnabled lets single-goroutine accuracy tests shrink under -race, where
// instrumentation makes them ~25x slower without checking anything more.
const raceEnabled = true
