package pingsource

// RBAC of the PingSource controller: the PingSources it reconciles and what it
// reads, creates or updates for them. Generated into system/config/rbac by
// `make rbac` (controller-gen); the controllers run bound to that role only.
//
// +kubebuilder:rbac:groups=sources.knative.dev,resources=pingsources,verbs=get;list;watch;update;patch
// +kubebuilder:rbac:groups=sources.knative.dev,resources=pingsources/status,verbs=get;update;patch
