package inmemorychannel

// RBAC of the InMemoryChannel controller: the InMemoryChannels it reconciles and what it
// reads, creates or updates for them. Generated into system/config/rbac by
// `make rbac` (controller-gen); the controllers run bound to that role only.
//
// +kubebuilder:rbac:groups=messaging.knative.dev,resources=inmemorychannels,verbs=get;list;watch;update;patch
// +kubebuilder:rbac:groups=messaging.knative.dev,resources=inmemorychannels/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=messaging.knative.dev,resources=subscriptions,verbs=get;list;watch
