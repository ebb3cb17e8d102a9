// Package serverlessservice reconciles ServerlessServices: it names the
// public and private services of a Revision and reports whether traffic has
// somewhere to go (ready pods in Serve mode, the activator in Proxy mode).
package serverlessservice
