// Command sweepschema prints the JSON Schema of knsim sweep files, from the
// Go types of package sim/sweep:
//
//	go run ./sim/sweep/cmd/sweepschema > docs/sweep.schema.json
package main

import (
	"fmt"
	"os"

	"github.com/knsim/knsim/sim/sweep"
)

func main() {
	b, err := sweep.JSONSchema()
	if err != nil {
		fmt.Fprintln(os.Stderr, "sweepschema:", err)
		os.Exit(1)
	}
	if _, err := os.Stdout.Write(b); err != nil {
		fmt.Fprintln(os.Stderr, "sweepschema:", err)
		os.Exit(1)
	}
}
