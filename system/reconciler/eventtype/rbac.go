package eventtype

// RBAC of the EventType controller: the EventTypes it reconciles and what it
// reads, creates or updates for them. Generated into system/config/rbac by
// `make rbac` (controller-gen); the controllers run bound to that role only.
//
// +kubebuilder:rbac:groups=eventing.knative.dev,resources=eventtypes,verbs=get;list;watch;update;patch
// +kubebuilder:rbac:groups=eventing.knative.dev,resources=eventtypes/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=eventing.knative.dev,resources=brokers,verbs=get;list;watch
// +kubebuilder:rbac:groups=messaging.knative.dev,resources=channels,verbs=get;list;watch
// +kubebuilder:rbac:groups=messaging.knative.dev,resources=inmemorychannels,verbs=get;list;watch
// +kubebuilder:rbac:groups=messaging.knative.dev,resources=natsjetstreamchannels,verbs=get;list;watch
