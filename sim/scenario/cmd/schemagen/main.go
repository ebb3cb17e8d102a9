// Command schemagen prints the JSON Schema of knsim scenario files, from the
// Go types of package sim/scenario:
//
//	go run ./sim/scenario/cmd/schemagen > docs/scenario.schema.json
package main

import (
	"fmt"
	"os"

	"github.com/knsim/knsim/sim/scenario"
)

func main() {
	b, err := scenario.JSONSchema()
	if err != nil {
		fmt.Fprintln(os.Stderr, "schemagen:", err)
		os.Exit(1)
	}
	if _, err := os.Stdout.Write(b); err != nil {
		fmt.Fprintln(os.Stderr, "schemagen:", err)
		os.Exit(1)
	}
}
