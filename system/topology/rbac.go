package topology

// RBAC of the shells' reads: the Serving and Eventing shells read the data
// plane's topology through ReadServing, NewTracker and ReadEventing (and the
// Serving shell Gets a Revision by name). Generated into system/config/rbac
// by `make rbac` (controller-gen), so shells that run with the controllers'
// identity need no more.
//
// +kubebuilder:rbac:groups=serving.knative.dev,resources=routes;revisions,verbs=get;list;watch
// +kubebuilder:rbac:groups=networking.internal.knative.dev,resources=serverlessservices,verbs=get;list;watch
// +kubebuilder:rbac:groups=core,resources=pods,verbs=get;list;watch
// +kubebuilder:rbac:groups=eventing.knative.dev,resources=brokers;triggers,verbs=get;list;watch
// +kubebuilder:rbac:groups=messaging.knative.dev,resources=inmemorychannels;channels;natsjetstreamchannels;subscriptions,verbs=get;list;watch
