// Package inmemorychannel reconciles InMemoryChannels: each gets the address
// of its (in-process) dispatcher, and reports every subscriber in its spec
// as ready, since delivering from memory needs nothing to be set up.
package inmemorychannel
