package natsjetstreamchannel

// RBAC of the NatsJetStreamChannel controller: the NatsJetStreamChannels it reconciles and what it
// reads, creates or updates for them. Generated into system/config/rbac by
// `make rbac` (controller-gen); the controllers run bound to that role only.
//
// +kubebuilder:rbac:groups=messaging.knative.dev,resources=natsjetstreamchannels,verbs=get;list;watch;update;patch
// +kubebuilder:rbac:groups=messaging.knative.dev,resources=natsjetstreamchannels/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=messaging.knative.dev,resources=subscriptions,verbs=get;list;watch
