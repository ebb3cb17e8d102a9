package resolver

// RBAC of the resolver, which every controller resolving a sink or
// subscriber runs: it reads the Addressable kinds it knows. Generated into
// system/config/rbac by `make rbac` (controller-gen).
//
// +kubebuilder:rbac:groups=serving.knative.dev,resources=services,verbs=get;list;watch
// +kubebuilder:rbac:groups=serving.knative.dev,resources=routes,verbs=get;list;watch
// +kubebuilder:rbac:groups=eventing.knative.dev,resources=brokers,verbs=get;list;watch
// +kubebuilder:rbac:groups=messaging.knative.dev,resources=channels,verbs=get;list;watch
// +kubebuilder:rbac:groups=messaging.knative.dev,resources=inmemorychannels,verbs=get;list;watch
// +kubebuilder:rbac:groups=messaging.knative.dev,resources=natsjetstreamchannels,verbs=get;list;watch
// +kubebuilder:rbac:groups=flows.knative.dev,resources=sequences,verbs=get;list;watch
// +kubebuilder:rbac:groups=flows.knative.dev,resources=parallels,verbs=get;list;watch
// +kubebuilder:rbac:groups=core,resources=services,verbs=get;list;watch
