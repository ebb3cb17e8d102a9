package cluster

// RBAC of the cluster emulation, which runs in the controllers' manager
// with its client: it registers and updates Nodes, creates, binds, updates
// and deletes the Pods of every Deployment, and reports Deployment status.
// Generated into system/config/rbac by `make rbac` (controller-gen).
//
// +kubebuilder:rbac:groups=core,resources=nodes;pods,verbs=get;list;watch;create;update;patch;delete
// +kubebuilder:rbac:groups=core,resources=nodes/status;pods/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=core,resources=pods/binding,verbs=create
// +kubebuilder:rbac:groups=core,resources=events,verbs=create;patch
// +kubebuilder:rbac:groups=apps,resources=deployments,verbs=get;list;watch;update;patch
// +kubebuilder:rbac:groups=apps,resources=deployments/status,verbs=get;update;patch
