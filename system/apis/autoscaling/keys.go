package autoscaling

import "time"

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

// legacyKeys are the camelCase spellings Knative still accepts for some
// keys (knative.dev/serving pkg/apis/autoscaling, register.go, where each is
// a kmap.KeyPriority: the current key first). Manifests written for older
// Knative releases use them, and knsim takes those manifests unchanged.
var legacyKeys = map[string]string{
	MinScaleAnnotationKey:                 GroupName + "/minScale",
	MaxScaleAnnotationKey:                 GroupName + "/maxScale",
	InitialScaleAnnotationKey:             GroupName + "/initialScale",
	TargetBurstCapacityKey:                GroupName + "/targetBurstCapacity",
	PanicWindowPercentageAnnotationKey:    GroupName + "/panicWindowPercentage",
	PanicThresholdPercentageAnnotationKey: GroupName + "/panicThresholdPercentage",
	TargetUtilizationPercentageKey:        GroupName + "/targetUtilizationPercentage",
	ScaleDownDelayAnnotationKey:           GroupName + "/scaleDownDelay",
	ScaleToZeroPodRetentionPeriodKey:      GroupName + "/scaleToZeroPodRetentionPeriod",
}

// Get returns the annotation key's value: under its current spelling, or
// else under the legacy camelCase one Knative also reads.
func Get(annotations map[string]string, key string) (string, bool) {
	v, ok := annotations[spelling(annotations, key)]
	return v, ok
}

// Spelled returns the annotation key's value and the key as the
// annotations spell it (its legacy spelling when only that is set), so an
// error names what the user wrote.
func Spelled(annotations map[string]string, key string) (value, name string) {
	name = spelling(annotations, key)
	return annotations[name], name
}

// spelling is the key under which annotations hold key's value: key
// itself, unless only its legacy spelling is set.
func spelling(annotations map[string]string, key string) string {
	if _, ok := annotations[key]; ok {
		return key
	}
	if legacy, ok := legacyKeys[key]; ok {
		if _, ok := annotations[legacy]; ok {
			return legacy
		}
	}
	return key
}

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

// knsim's own scaling policies (see docs/policies.md), chosen with
// ClassAnnotationKey like Knative's classes.
const (
	// KnsimGroupName prefixes knsim's policy annotation keys.
	KnsimGroupName = "autoscaling.knsim.dev"

	// KeepAliveClass scales per request and removes each instance after a
	// fixed idle time (AWS Lambda, Azure Functions).
	KeepAliveClass = "keepalive." + KnsimGroupName
	// HybridClass is the hybrid histogram policy of "Serverless in the
	// Wild" (Shahrad et al., ATC'20).
	HybridClass = "hybrid." + KnsimGroupName

	// KeepAliveAnnotationKey is the idle time after which an instance is
	// removed (a Go duration): the keep-alive class's, and the hybrid
	// class's fallback.
	KeepAliveAnnotationKey = KnsimGroupName + "/keep-alive"
)

// Bounds of KeepAliveAnnotationKey.
const (
	KeepAliveMin = time.Second
	KeepAliveMax = 24 * time.Hour
)

// PerRequest reports whether class scales per request, one request per
// instance: knsim's keep-alive and hybrid classes.
func PerRequest(class string) bool { return class == KeepAliveClass || class == HybridClass }
