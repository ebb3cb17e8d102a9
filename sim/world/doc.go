// Package world starts a whole knsim in one process: the envtest control
// plane, the Serving and Eventing controllers and webhooks in a controller-runtime manager,
// and the emulated cluster that turns Deployments into Ready pods.
package world
