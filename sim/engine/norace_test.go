//go:build !race

package engine_test

// raceEnabled is false without -race; see race_test.go.
const raceEnabled = false
