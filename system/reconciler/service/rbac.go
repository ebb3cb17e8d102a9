package service

// RBAC of the Service controller: the Services it reconciles and what it
// reads, creates or updates for them. Generated into system/config/rbac by
// `make rbac` (controller-gen); the controllers run bound to that role only.
//
// +kubebuilder:rbac:groups=serving.knative.dev,resources=services,verbs=get;list;watch;update;patch
// +kubebuilder:rbac:groups=serving.knative.dev,resources=services/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=serving.knative.dev,resources=services/finalizers,verbs=update
// +kubebuilder:rbac:groups=serving.knative.dev,resources=configurations,verbs=get;list;watch;create;update;patch;delete
// +kubebuilder:rbac:groups=serving.knative.dev,resources=routes,verbs=get;list;watch;create;update;patch;delete
