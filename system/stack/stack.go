package stack

import (
	"fmt"

	"k8s.io/apimachinery/pkg/runtime"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	autoscalingv1alpha1 "github.com/knsim/knsim/system/apis/autoscaling/v1alpha1"
	eventingv1 "github.com/knsim/knsim/system/apis/eventing/v1"
	flowsv1 "github.com/knsim/knsim/system/apis/flows/v1"
	messagingv1 "github.com/knsim/knsim/system/apis/messaging/v1"
	messagingv1alpha1 "github.com/knsim/knsim/system/apis/messaging/v1alpha1"
	networkingv1alpha1 "github.com/knsim/knsim/system/apis/networking/v1alpha1"
	servingv1 "github.com/knsim/knsim/system/apis/serving/v1"
	sourcesv1 "github.com/knsim/knsim/system/apis/sources/v1"
	"github.com/knsim/knsim/system/autoscaler/multiscaler"
	"github.com/knsim/knsim/system/reconciler"
	"github.com/knsim/knsim/system/reconciler/apiserversource"
	"github.com/knsim/knsim/system/reconciler/broker"
	"github.com/knsim/knsim/system/reconciler/channel"
	"github.com/knsim/knsim/system/reconciler/configuration"
	"github.com/knsim/knsim/system/reconciler/containersource"
	"github.com/knsim/knsim/system/reconciler/eventtype"
	"github.com/knsim/knsim/system/reconciler/inmemorychannel"
	"github.com/knsim/knsim/system/reconciler/natsjetstreamchannel"
	"github.com/knsim/knsim/system/reconciler/parallel"
	"github.com/knsim/knsim/system/reconciler/pingsource"
	"github.com/knsim/knsim/system/reconciler/podautoscaler"
	"github.com/knsim/knsim/system/reconciler/revision"
	"github.com/knsim/knsim/system/reconciler/route"
	"github.com/knsim/knsim/system/reconciler/sequence"
	"github.com/knsim/knsim/system/reconciler/serverlessservice"
	"github.com/knsim/knsim/system/reconciler/service"
	"github.com/knsim/knsim/system/reconciler/sinkbinding"
	"github.com/knsim/knsim/system/reconciler/subscription"
	"github.com/knsim/knsim/system/reconciler/trigger"
	"github.com/knsim/knsim/system/webhook"
)

// Scheme returns a scheme with the Kubernetes built-ins and every knsim API group.
func Scheme() *runtime.Scheme {
	s := runtime.NewScheme()
	utilruntime.Must(clientgoscheme.AddToScheme(s))
	utilruntime.Must(servingv1.AddToScheme(s))
	utilruntime.Must(autoscalingv1alpha1.AddToScheme(s))
	utilruntime.Must(networkingv1alpha1.AddToScheme(s))
	utilruntime.Must(eventingv1.AddToScheme(s))
	utilruntime.Must(messagingv1.AddToScheme(s))
	utilruntime.Must(messagingv1alpha1.AddToScheme(s))
	utilruntime.Must(flowsv1.AddToScheme(s))
	utilruntime.Must(sourcesv1.AddToScheme(s))
	return s
}

// Handles are the parts of a running stack its shells talk to.
type Handles struct {
	// Autoscaler receives the data plane's stats and decides scales.
	Autoscaler *multiscaler.Multiscaler
}

// Setup adds every Serving and Eventing controller to mgr, and the webhooks
// (of both) when withWebhooks is set (the memory control plane defaults and
// validates in process instead). Event sources emit through the Emitter
// attached to mgr (see system/source.Attach), or nowhere.
func Setup(mgr ctrl.Manager, opts reconciler.Options, withWebhooks bool) (*Handles, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	for name, setup := range map[string]func(ctrl.Manager, reconciler.Options) error{
		"service":              service.SetupWithManager,
		"configuration":        configuration.SetupWithManager,
		"revision":             revision.SetupWithManager,
		"route":                route.SetupWithManager,
		"serverlessservice":    serverlessservice.SetupWithManager,
		"broker":               broker.SetupWithManager,
		"trigger":              trigger.SetupWithManager,
		"inmemorychannel":      inmemorychannel.SetupWithManager,
		"natsjetstreamchannel": natsjetstreamchannel.SetupWithManager,
		"channel":              channel.SetupWithManager,
		"subscription":         subscription.SetupWithManager,
		"sequence":             sequence.SetupWithManager,
		"parallel":             parallel.SetupWithManager,
		"pingsource":           pingsource.SetupWithManager,
		"apiserversource":      apiserversource.SetupWithManager,
		"containersource":      containersource.SetupWithManager,
		"sinkbinding":          sinkbinding.SetupWithManager,
		"eventtype":            eventtype.SetupWithManager,
	} {
		if err := setup(mgr, opts); err != nil {
			return nil, fmt.Errorf("setting up %s controller: %w", name, err)
		}
	}
	ms, err := podautoscaler.SetupWithManager(mgr, opts)
	if err != nil {
		return nil, fmt.Errorf("setting up podautoscaler controller: %w", err)
	}
	if withWebhooks {
		if err := webhook.SetupWithManager(mgr); err != nil {
			return nil, err
		}
	}
	return &Handles{Autoscaler: ms}, nil
}

// Reconciler is one controller's reconciler bound to a client, with the kind
// it reconciles, for drivers that run reconcilers without a manager (the
// memory control plane reconciles every object of every kind to a fixpoint).
type Reconciler struct {
	// Name is the controller's name.
	Name string
	// List is an empty list of the reconciled kind.
	List client.ObjectList
	// Reconciler is the controller's logic.
	Reconciler reconcile.Reconciler
}

// Reconcilers returns every reconciler bound to c, in the order a change
// flows down: Service, Configuration, Revision, PodAutoscaler,
// ServerlessService, Route; then Broker, Channel, InMemoryChannel,
// NatsJetStreamChannel, Trigger,
// Sequence, Parallel, Subscription, ContainerSource, SinkBinding,
// PingSource, ApiServerSource and EventType. Without a manager nothing is
// watched: ApiServerSources resolve their sink but run no informers.
func Reconcilers(c client.Client, opts reconciler.Options, ms *multiscaler.Multiscaler) ([]Reconciler, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	return []Reconciler{
		{"service", &servingv1.ServiceList{}, &service.Reconciler{Client: c, Options: opts}},
		{"configuration", &servingv1.ConfigurationList{}, &configuration.Reconciler{Client: c, Options: opts}},
		{"revision", &servingv1.RevisionList{}, &revision.Reconciler{Client: c, Options: opts}},
		{"podautoscaler", &autoscalingv1alpha1.PodAutoscalerList{}, &podautoscaler.Reconciler{Client: c, Options: opts, Scaler: ms}},
		{"serverlessservice", &networkingv1alpha1.ServerlessServiceList{}, &serverlessservice.Reconciler{Client: c, Options: opts}},
		{"route", &servingv1.RouteList{}, &route.Reconciler{Client: c, Options: opts}},
		{"broker", &eventingv1.BrokerList{}, &broker.Reconciler{Client: c, Options: opts}},
		{"channel", &messagingv1.ChannelList{}, &channel.Reconciler{Client: c, Options: opts}},
		{"inmemorychannel", &messagingv1.InMemoryChannelList{}, inmemorychannel.New(c, opts)},
		{"natsjetstreamchannel", &messagingv1alpha1.NatsJetStreamChannelList{}, natsjetstreamchannel.New(c, opts)},
		{"trigger", &eventingv1.TriggerList{}, &trigger.Reconciler{Client: c, Options: opts}},
		{"sequence", &flowsv1.SequenceList{}, &sequence.Reconciler{Client: c, Options: opts}},
		{"parallel", &flowsv1.ParallelList{}, &parallel.Reconciler{Client: c, Options: opts}},
		{"subscription", &messagingv1.SubscriptionList{}, &subscription.Reconciler{Client: c, Options: opts}},
		{"containersource", &sourcesv1.ContainerSourceList{}, &containersource.Reconciler{Client: c, Options: opts}},
		{"sinkbinding", &sourcesv1.SinkBindingList{}, &sinkbinding.Reconciler{Client: c, Options: opts}},
		{"pingsource", &sourcesv1.PingSourceList{}, &pingsource.Reconciler{Client: c, Options: opts}},
		{"apiserversource", &sourcesv1.ApiServerSourceList{}, &apiserversource.Reconciler{Client: c, Options: opts}},
		{"eventtype", &eventingv1.EventTypeList{}, &eventtype.Reconciler{Client: c, Options: opts}},
	}, nil
}
