package trigger

// RBAC of the Trigger controller: the Triggers it reconciles and what it
// reads, creates or updates for them. Generated into system/config/rbac by
// `make rbac` (controller-gen); the controllers run bound to that role only.
//
// +kubebuilder:rbac:groups=eventing.knative.dev,resources=triggers,verbs=get;list;watch;update;patch
// +kubebuilder:rbac:groups=eventing.knative.dev,resources=triggers/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=eventing.knative.dev,resources=triggers/finalizers,verbs=update
// +kubebuilder:rbac:groups=eventing.knative.dev,resources=brokers,verbs=get;list;watch
// +kubebuilder:rbac:groups=messaging.knative.dev,resources=subscriptions,verbs=get;list;watch;create;update;patch;delete
