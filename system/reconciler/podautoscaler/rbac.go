package podautoscaler

// RBAC of the PodAutoscaler controller: the PodAutoscalers it reconciles and what it
// reads, creates or updates for them. Generated into system/config/rbac by
// `make rbac` (controller-gen); the controllers run bound to that role only.
//
// +kubebuilder:rbac:groups=autoscaling.internal.knative.dev,resources=podautoscalers,verbs=get;list;watch;update;patch
// +kubebuilder:rbac:groups=autoscaling.internal.knative.dev,resources=podautoscalers/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=apps,resources=deployments,verbs=get;list;watch;update;patch
// +kubebuilder:rbac:groups=networking.internal.knative.dev,resources=serverlessservices,verbs=get;list;watch;create;update;patch;delete
// +kubebuilder:rbac:groups=core,resources=configmaps,verbs=get;list;watch
// +kubebuilder:rbac:groups=core,resources=pods,verbs=get;list;watch;patch
