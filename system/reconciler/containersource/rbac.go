package containersource

// RBAC of the ContainerSource controller: the ContainerSources it reconciles and what it
// reads, creates or updates for them. Generated into system/config/rbac by
// `make rbac` (controller-gen); the controllers run bound to that role only.
//
// +kubebuilder:rbac:groups=sources.knative.dev,resources=containersources,verbs=get;list;watch;update;patch
// +kubebuilder:rbac:groups=sources.knative.dev,resources=containersources/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=sources.knative.dev,resources=sinkbindings,verbs=get;list;watch;create;update;patch;delete
// +kubebuilder:rbac:groups=apps,resources=deployments,verbs=get;list;watch;create;update;patch;delete
