// Command knsim is the command line of knsim, a Knative-compatible serverless
// stack with a discrete-event cluster simulator.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := newRootCommand().ExecuteContext(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "knsim:", err)
		os.Exit(1)
	}
}
