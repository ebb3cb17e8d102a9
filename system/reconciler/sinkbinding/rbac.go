package sinkbinding

// RBAC of the SinkBinding controller: the SinkBindings it reconciles and what it
// reads, creates or updates for them. Generated into system/config/rbac by
// `make rbac` (controller-gen); the controllers run bound to that role only.
//
// +kubebuilder:rbac:groups=sources.knative.dev,resources=sinkbindings,verbs=get;list;watch;update;patch
// +kubebuilder:rbac:groups=sources.knative.dev,resources=sinkbindings/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=sources.knative.dev,resources=sinkbindings/finalizers,verbs=update
// +kubebuilder:rbac:groups=apps,resources=deployments,verbs=get;list;watch;update;patch
// +kubebuilder:rbac:groups=apps,resources=statefulsets,verbs=get;list;watch;update;patch
// +kubebuilder:rbac:groups=apps,resources=daemonsets,verbs=get;list;watch;update;patch
// +kubebuilder:rbac:groups=apps,resources=replicasets,verbs=get;list;watch;update;patch
// +kubebuilder:rbac:groups=batch,resources=jobs,verbs=get;list;watch;update;patch
// +kubebuilder:rbac:groups=batch,resources=cronjobs,verbs=get;list;watch;update;patch
// +kubebuilder:rbac:groups=serving.knative.dev,resources=services,verbs=get;list;watch;update;patch
// +kubebuilder:rbac:groups=serving.knative.dev,resources=configurations,verbs=get;list;watch;update;patch
