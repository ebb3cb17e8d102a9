// Package manifest reads Kubernetes YAML as users write it (several documents
// per file, any kind) and applies it to the apiserver with server-side apply,
// as `kubectl apply --server-side` does.
package manifest
