package v1

// Labels and annotations of serving.knative.dev, as Knative spells them.
const (
	// ServiceLabelKey names the owning Service.
	ServiceLabelKey = "serving.knative.dev/service"
	// ConfigurationLabelKey names the owning Configuration.
	ConfigurationLabelKey = "serving.knative.dev/configuration"
	// ConfigurationGenerationLabelKey records the Configuration generation a Revision was made from.
	ConfigurationGenerationLabelKey = "serving.knative.dev/configurationGeneration"
	// RevisionLabelKey names the Revision a resource belongs to.
	RevisionLabelKey = "serving.knative.dev/revision"
	// RevisionUIDLabelKey holds the owning Revision's UID.
	RevisionUIDLabelKey = "serving.knative.dev/revisionUID"
	// RouteLabelKey names the Route serving a Revision.
	RouteLabelKey = "serving.knative.dev/route"
	// RoutingStateLabelKey says whether a Revision is routed (active, reserve, pending).
	RoutingStateLabelKey = "serving.knative.dev/routingState"
	// RolloutDurationKey is the annotation for gradual rollout: a Go duration
	// with at most second precision.
	RolloutDurationKey = "serving.knative.dev/rollout-duration"
	// UserContainerName is the default name of a Revision's single container.
	UserContainerName = "user-container"
	// QueueContainerName is the name of the queue-proxy sidecar.
	QueueContainerName = "queue-proxy"
	// DefaultTimeoutSeconds is a Revision's request timeout when none is given.
	DefaultTimeoutSeconds int64 = 300
	// MaxTimeoutSeconds bounds timeoutSeconds.
	MaxTimeoutSeconds int64 = 600
	// MaxContainerConcurrency bounds containerConcurrency.
	MaxContainerConcurrency int64 = 1000
	// DefaultUserPort is the port the user container listens on.
	DefaultUserPort int32 = 8080
)

// ConfigurationUIDLabelKey holds the owning Configuration's UID.
const ConfigurationUIDLabelKey = "serving.knative.dev/configurationUID"
