package main

import "github.com/spf13/cobra"

func newRootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "knsim",
		Short: "A Knative-compatible serverless stack and its simulation test-bed",
		Long: `knsim runs Knative Serving's control plane (Service, Configuration, Revision,
Route, PodAutoscaler, ServerlessService) against a real kube-apiserver, with an
emulated cluster that turns Deployments into Ready pods.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(newUpCommand(), newRunCommand(), newReportCommand())
	root.AddCommand(newAutoscalerCommand())
	return root
}
