package stack

import (
	"fmt"

	"k8s.io/apimachinery/pkg/runtime"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	ctrl "sigs.k8s.io/controller-runtime"

	autoscalingv1alpha1 "github.com/knsim/knsim/system/apis/autoscaling/v1alpha1"
	networkingv1alpha1 "github.com/knsim/knsim/system/apis/networking/v1alpha1"
	servingv1 "github.com/knsim/knsim/system/apis/serving/v1"
	"github.com/knsim/knsim/system/reconciler"
	"github.com/knsim/knsim/system/reconciler/configuration"
	"github.com/knsim/knsim/system/reconciler/podautoscaler"
	"github.com/knsim/knsim/system/reconciler/revision"
	"github.com/knsim/knsim/system/reconciler/route"
	"github.com/knsim/knsim/system/reconciler/serverlessservice"
	"github.com/knsim/knsim/system/reconciler/service"
	"github.com/knsim/knsim/system/webhook"
)

// Scheme returns a scheme with the Kubernetes built-ins and every knsim API group.
func Scheme() *runtime.Scheme {
	s := runtime.NewScheme()
	utilruntime.Must(clientgoscheme.AddToScheme(s))
	utilruntime.Must(servingv1.AddToScheme(s))
	utilruntime.Must(autoscalingv1alpha1.AddToScheme(s))
	utilruntime.Must(networkingv1alpha1.AddToScheme(s))
	return s
}

// Setup adds every Serving controller to mgr, and the webhooks when
// withWebhooks is set (the memory control plane defaults and validates in
// process instead).
func Setup(mgr ctrl.Manager, opts reconciler.Options, withWebhooks bool) error {
	if err := opts.Validate(); err != nil {
		return err
	}
	for name, setup := range map[string]func(ctrl.Manager, reconciler.Options) error{
		"service":           service.SetupWithManager,
		"configuration":     configuration.SetupWithManager,
		"revision":          revision.SetupWithManager,
		"route":             route.SetupWithManager,
		"podautoscaler":     podautoscaler.SetupWithManager,
		"serverlessservice": serverlessservice.SetupWithManager,
	} {
		if err := setup(mgr, opts); err != nil {
			return fmt.Errorf("setting up %s controller: %w", name, err)
		}
	}
	if withWebhooks {
		return webhook.SetupWithManager(mgr)
	}
	return nil
}
