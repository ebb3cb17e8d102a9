package gc

// RBAC of the garbage collector, which runs in the controllers' manager
// with its client: it lists the dependents of a deleted owner, deletes
// them or removes the owner's reference, and removes the foreground and
// orphan finalizers from owners. Generated into system/config/rbac by
// `make rbac` (controller-gen).
//
// +kubebuilder:rbac:groups=serving.knative.dev,resources=services;configurations;revisions;routes,verbs=get;list;watch;update;delete
// +kubebuilder:rbac:groups=autoscaling.internal.knative.dev,resources=podautoscalers,verbs=get;list;watch;update;delete
// +kubebuilder:rbac:groups=networking.internal.knative.dev,resources=serverlessservices,verbs=get;list;watch;update;delete
// +kubebuilder:rbac:groups=eventing.knative.dev,resources=brokers;triggers;eventtypes,verbs=get;list;watch;update;delete
// +kubebuilder:rbac:groups=messaging.knative.dev,resources=channels;inmemorychannels;natsjetstreamchannels;subscriptions,verbs=get;list;watch;update;delete
// +kubebuilder:rbac:groups=flows.knative.dev,resources=sequences;parallels,verbs=get;list;watch;update;delete
// +kubebuilder:rbac:groups=sources.knative.dev,resources=containersources;sinkbindings;pingsources;apiserversources,verbs=get;list;watch;update;delete
// +kubebuilder:rbac:groups=apps,resources=deployments,verbs=get;list;watch;update;delete
