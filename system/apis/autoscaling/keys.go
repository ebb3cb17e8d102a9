package autoscaling

// Annotation keys of autoscaling.knative.dev, set on a Revision template.
const (
	// GroupName prefixes every annotation key.
	GroupName = "autoscaling.knative.dev"

	ClassAnnotationKey                    = GroupName + "/class"
	MetricAnnotationKey                   = GroupName + "/metric"
	TargetAnnotationKey                   = GroupName + "/target"
	TargetUtilizationPercentageKey        = GroupName + "/target-utilization-percentage"
	MinScaleAnnotationKey                 = GroupName + "/min-scale"
	MaxScaleAnnotationKey                 = GroupName + "/max-scale"
	InitialScaleAnnotationKey             = GroupName + "/initial-scale"
	ActivationScaleKey                    = GroupName + "/activation-scale"
	WindowAnnotationKey                   = GroupName + "/window"
	PanicWindowPercentageAnnotationKey    = GroupName + "/panic-window-percentage"
	PanicThresholdPercentageAnnotationKey = GroupName + "/panic-threshold-percentage"
	TargetBurstCapacityKey                = GroupName + "/target-burst-capacity"
	ScaleDownDelayAnnotationKey           = GroupName + "/scale-down-delay"
	ScaleToZeroPodRetentionPeriodKey      = GroupName + "/scale-to-zero-pod-retention-period"
	MetricAggregationAlgorithmKey         = GroupName + "/metric-aggregation-algorithm"
	ScheduledMinScaleAnnotationKey        = GroupName + "/scheduled-min-scale"
)

// Classes and metrics.
const (
	// KPA is the Knative Pod Autoscaler class.
	KPA = "kpa.autoscaling.knative.dev"
	// HPA is the CPU-based Horizontal Pod Autoscaler class.
	HPA = "hpa.autoscaling.knative.dev"

	Concurrency = "concurrency"
	RPS         = "rps"
	CPU         = "cpu"
	Memory      = "memory"

	// AlgorithmLinear averages the window's buckets equally (the default).
	AlgorithmLinear = "linear"
	// AlgorithmWeightedExponential weighs recent buckets more.
	AlgorithmWeightedExponential = "weighted-exponential"
)

// Reserve-instance annotations on a Service (as Alibaba Cloud Knative spells them).
const (
	ReserveInstanceKey         = "knative.aliyun.com/reserve-instance"
	ReserveInstanceTypeKey     = "knative.aliyun.com/reserve-instance-type"
	ReserveInstanceReplicasKey = "knative.aliyun.com/reserve-instance-replicas"
)
