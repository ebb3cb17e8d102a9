package webhook

// RBAC of the webhook server, which reads config-autoscaler and
// config-features (see AdmitIn). Generated into system/config/rbac by
// `make rbac` (controller-gen).
//
// +kubebuilder:rbac:groups=core,resources=configmaps,verbs=get;list;watch
