package webhook

import (
	"strings"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/utils/ptr"
)

// Names of the webhook configurations.
const (
	MutatingConfigurationName   = "webhook.serving.knative.dev"
	ValidatingConfigurationName = "validation.webhook.serving.knative.dev"
)

// MutatePath is where the defaulting webhook for gvk is served.
func MutatePath(gvk schema.GroupVersionKind) string { return "/mutate" + pathSuffix(gvk) }

// ValidatePath is where the validating webhook for gvk is served.
func ValidatePath(gvk schema.GroupVersionKind) string { return "/validate" + pathSuffix(gvk) }

func pathSuffix(gvk schema.GroupVersionKind) string {
	return "-" + strings.ReplaceAll(gvk.Group, ".", "-") + "-" + gvk.Version + "-" + strings.ToLower(gvk.Kind)
}

// plural names the resource of a kind. All of knsim's kinds, eventing ones
// included, are regular: InMemoryChannel -> inmemorychannels, ApiServerSource
// -> apiserversources, Parallel -> parallels, Sequence -> sequences.
func plural(gvk schema.GroupVersionKind) string { return strings.ToLower(gvk.Kind) + "s" }

// MutatingConfiguration points the apiserver at the defaulting webhooks. The
// client config names only a path: the installer (envtest, or a cluster
// deployment) fills in where the server runs and its CA.
func MutatingConfiguration() *admissionregistrationv1.MutatingWebhookConfiguration {
	cfg := &admissionregistrationv1.MutatingWebhookConfiguration{
		TypeMeta:   metav1.TypeMeta{APIVersion: "admissionregistration.k8s.io/v1", Kind: "MutatingWebhookConfiguration"},
		ObjectMeta: metav1.ObjectMeta{Name: MutatingConfigurationName},
	}
	for _, gvk := range Kinds {
		cfg.Webhooks = append(cfg.Webhooks, admissionregistrationv1.MutatingWebhook{
			Name:                    "m" + strings.ToLower(gvk.Kind) + "." + gvk.Group,
			ClientConfig:            clientConfig(MutatePath(gvk)),
			Rules:                   rules(gvk),
			FailurePolicy:           ptr.To(admissionregistrationv1.Fail),
			SideEffects:             ptr.To(admissionregistrationv1.SideEffectClassNone),
			AdmissionReviewVersions: []string{"v1"},
			ReinvocationPolicy:      ptr.To(admissionregistrationv1.IfNeededReinvocationPolicy),
		})
	}
	return cfg
}

// ValidatingConfiguration points the apiserver at the validating webhooks.
func ValidatingConfiguration() *admissionregistrationv1.ValidatingWebhookConfiguration {
	cfg := &admissionregistrationv1.ValidatingWebhookConfiguration{
		TypeMeta:   metav1.TypeMeta{APIVersion: "admissionregistration.k8s.io/v1", Kind: "ValidatingWebhookConfiguration"},
		ObjectMeta: metav1.ObjectMeta{Name: ValidatingConfigurationName},
	}
	for _, gvk := range Kinds {
		cfg.Webhooks = append(cfg.Webhooks, admissionregistrationv1.ValidatingWebhook{
			Name:                    "v" + strings.ToLower(gvk.Kind) + "." + gvk.Group,
			ClientConfig:            clientConfig(ValidatePath(gvk)),
			Rules:                   rules(gvk),
			FailurePolicy:           ptr.To(admissionregistrationv1.Fail),
			SideEffects:             ptr.To(admissionregistrationv1.SideEffectClassNone),
			AdmissionReviewVersions: []string{"v1"},
		})
	}
	return cfg
}

func clientConfig(path string) admissionregistrationv1.WebhookClientConfig {
	return admissionregistrationv1.WebhookClientConfig{
		Service: &admissionregistrationv1.ServiceReference{Namespace: "knative-serving", Name: "webhook", Path: ptr.To(path)},
	}
}

func rules(gvk schema.GroupVersionKind) []admissionregistrationv1.RuleWithOperations {
	return []admissionregistrationv1.RuleWithOperations{{
		Operations: []admissionregistrationv1.OperationType{admissionregistrationv1.Create, admissionregistrationv1.Update},
		Rule: admissionregistrationv1.Rule{
			APIGroups:   []string{gvk.Group},
			APIVersions: []string{gvk.Version},
			Resources:   []string{plural(gvk)},
			Scope:       ptr.To(admissionregistrationv1.NamespacedScope),
		},
	}}
}
