// Command gateschema prints the JSON Schema of knsim gate files, from the Go
// types of package sim/gate:
//
//	go run ./sim/gate/cmd/gateschema > docs/gate.schema.json
package main

import (
	"fmt"
	"os"

	"github.com/knsim/knsim/sim/gate"
)

func main() {
	b, err := gate.JSONSchema()
	if err == nil {
		_, err = os.Stdout.Write(b)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gateschema:", err)
		os.Exit(1)
	}
}
