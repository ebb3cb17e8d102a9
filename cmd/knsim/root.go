package main

import "github.com/spf13/cobra"

func newRootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "knsim",
		Short: "A Knative-compatible serverless stack and its simulation test-bed",
		Long: `knsim runs Knative Serving's and Eventing's control planes (Service,
Configuration, Revision, Route, PodAutoscaler, ServerlessService; Broker,
Trigger, Channel, Subscription, Sequence, Parallel and sources) against a real
kube-apiserver or an in-memory store, with an emulated cluster that turns
Deployments into Ready pods, and runs scenarios in virtual time or on the wall
clock.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(newUpCommand(), newRunCommand(), newReportCommand())
	root.AddCommand(newAutoscalerCommand())
	root.AddCommand(newTraceCommand())
	root.AddCommand(newGateCommand())
	root.AddCommand(newSweepCommand(), newMergeCommand())
	return root
}
