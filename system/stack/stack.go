package stack

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/runtime"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	autoscalingv1alpha1 "github.com/knsim/knsim/system/apis/autoscaling/v1alpha1"
	eventingv1 "github.com/knsim/knsim/system/apis/eventing/v1"
	eventingv1beta2 "github.com/knsim/knsim/system/apis/eventing/v1beta2"
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
	utilruntime.Must(eventingv1beta2.AddToScheme(s))
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

// controller is one row of the controller table: how to build the kind's
// reconciler bound to a client, and how to set it up with a manager.
type controller struct {
	// name is the controller's name.
	name string
	// list is an empty list of the reconciled kind.
	list func() client.ObjectList
	// bind builds the reconciler on c, without a manager: nothing is
	// watched and no Tracker learns references.
	bind func(c client.Client, opts reconciler.Options, ms *multiscaler.Multiscaler) reconcile.Reconciler
	// setup registers the controller with mgr and fills what it hands out
	// in h.
	setup func(mgr ctrl.Manager, opts reconciler.Options, h *Handles) error
}

// setupOnly adapts a SetupWithManager that hands out nothing.
func setupOnly(f func(ctrl.Manager, reconciler.Options) error) func(ctrl.Manager, reconciler.Options, *Handles) error {
	return func(mgr ctrl.Manager, opts reconciler.Options, _ *Handles) error { return f(mgr, opts) }
}

// controllers is every controller, in the order a change flows down:
// Service, Configuration, Revision, PodAutoscaler, ServerlessService,
// Route; then Broker, Channel, InMemoryChannel, NatsJetStreamChannel,
// Trigger, Sequence, Parallel, Subscription, ContainerSource, SinkBinding,
// PingSource, ApiServerSource and EventType. The memory control plane
// reconciles the kinds in this order.
var controllers = []controller{
	{
		name: "service",
		list: func() client.ObjectList { return &servingv1.ServiceList{} },
		bind: func(c client.Client, opts reconciler.Options, _ *multiscaler.Multiscaler) reconcile.Reconciler {
			return &service.Reconciler{Client: c, Options: opts}
		},
		setup: setupOnly(service.SetupWithManager),
	}, {
		name: "configuration",
		list: func() client.ObjectList { return &servingv1.ConfigurationList{} },
		bind: func(c client.Client, opts reconciler.Options, _ *multiscaler.Multiscaler) reconcile.Reconciler {
			return &configuration.Reconciler{Client: c, Options: opts}
		},
		setup: setupOnly(configuration.SetupWithManager),
	}, {
		name: "revision",
		list: func() client.ObjectList { return &servingv1.RevisionList{} },
		bind: func(c client.Client, opts reconciler.Options, _ *multiscaler.Multiscaler) reconcile.Reconciler {
			return &revision.Reconciler{Client: c, Options: opts}
		},
		setup: setupOnly(revision.SetupWithManager),
	}, {
		name: "podautoscaler",
		list: func() client.ObjectList { return &autoscalingv1alpha1.PodAutoscalerList{} },
		bind: func(c client.Client, opts reconciler.Options, ms *multiscaler.Multiscaler) reconcile.Reconciler {
			return &podautoscaler.Reconciler{Client: c, Options: opts, Scaler: ms}
		},
		setup: func(mgr ctrl.Manager, opts reconciler.Options, h *Handles) error {
			ms, err := podautoscaler.SetupWithManager(mgr, opts)
			h.Autoscaler = ms
			return err
		},
	}, {
		name: "serverlessservice",
		list: func() client.ObjectList { return &networkingv1alpha1.ServerlessServiceList{} },
		bind: func(c client.Client, opts reconciler.Options, _ *multiscaler.Multiscaler) reconcile.Reconciler {
			return &serverlessservice.Reconciler{Client: c, Options: opts}
		},
		setup: setupOnly(serverlessservice.SetupWithManager),
	}, {
		name: "route",
		list: func() client.ObjectList { return &servingv1.RouteList{} },
		bind: func(c client.Client, opts reconciler.Options, _ *multiscaler.Multiscaler) reconcile.Reconciler {
			return &route.Reconciler{Client: c, Options: opts}
		},
		setup: setupOnly(route.SetupWithManager),
	}, {
		name: "broker",
		list: func() client.ObjectList { return &eventingv1.BrokerList{} },
		bind: func(c client.Client, opts reconciler.Options, _ *multiscaler.Multiscaler) reconcile.Reconciler {
			return &broker.Reconciler{Client: c, Options: opts}
		},
		setup: setupOnly(broker.SetupWithManager),
	}, {
		name: "channel",
		list: func() client.ObjectList { return &messagingv1.ChannelList{} },
		bind: func(c client.Client, opts reconciler.Options, _ *multiscaler.Multiscaler) reconcile.Reconciler {
			return &channel.Reconciler{Client: c, Options: opts}
		},
		setup: setupOnly(channel.SetupWithManager),
	}, {
		name: "inmemorychannel",
		list: func() client.ObjectList { return &messagingv1.InMemoryChannelList{} },
		bind: func(c client.Client, opts reconciler.Options, _ *multiscaler.Multiscaler) reconcile.Reconciler {
			return inmemorychannel.New(c, opts)
		},
		setup: setupOnly(inmemorychannel.SetupWithManager),
	}, {
		name: "natsjetstreamchannel",
		list: func() client.ObjectList { return &messagingv1alpha1.NatsJetStreamChannelList{} },
		bind: func(c client.Client, opts reconciler.Options, _ *multiscaler.Multiscaler) reconcile.Reconciler {
			return natsjetstreamchannel.New(c, opts)
		},
		setup: setupOnly(natsjetstreamchannel.SetupWithManager),
	}, {
		name: "trigger",
		list: func() client.ObjectList { return &eventingv1.TriggerList{} },
		bind: func(c client.Client, opts reconciler.Options, _ *multiscaler.Multiscaler) reconcile.Reconciler {
			return &trigger.Reconciler{Client: c, Options: opts}
		},
		setup: setupOnly(trigger.SetupWithManager),
	}, {
		name: "sequence",
		list: func() client.ObjectList { return &flowsv1.SequenceList{} },
		bind: func(c client.Client, opts reconciler.Options, _ *multiscaler.Multiscaler) reconcile.Reconciler {
			return &sequence.Reconciler{Client: c, Options: opts}
		},
		setup: setupOnly(sequence.SetupWithManager),
	}, {
		name: "parallel",
		list: func() client.ObjectList { return &flowsv1.ParallelList{} },
		bind: func(c client.Client, opts reconciler.Options, _ *multiscaler.Multiscaler) reconcile.Reconciler {
			return &parallel.Reconciler{Client: c, Options: opts}
		},
		setup: setupOnly(parallel.SetupWithManager),
	}, {
		name: "subscription",
		list: func() client.ObjectList { return &messagingv1.SubscriptionList{} },
		bind: func(c client.Client, opts reconciler.Options, _ *multiscaler.Multiscaler) reconcile.Reconciler {
			return &subscription.Reconciler{Client: c, Options: opts}
		},
		setup: setupOnly(subscription.SetupWithManager),
	}, {
		name: "containersource",
		list: func() client.ObjectList { return &sourcesv1.ContainerSourceList{} },
		bind: func(c client.Client, opts reconciler.Options, _ *multiscaler.Multiscaler) reconcile.Reconciler {
			return &containersource.Reconciler{Client: c, Options: opts}
		},
		setup: setupOnly(containersource.SetupWithManager),
	}, {
		name: "sinkbinding",
		list: func() client.ObjectList { return &sourcesv1.SinkBindingList{} },
		bind: func(c client.Client, opts reconciler.Options, _ *multiscaler.Multiscaler) reconcile.Reconciler {
			return &sinkbinding.Reconciler{Client: c, Options: opts}
		},
		setup: setupOnly(sinkbinding.SetupWithManager),
	}, {
		name: "pingsource",
		list: func() client.ObjectList { return &sourcesv1.PingSourceList{} },
		bind: func(c client.Client, opts reconciler.Options, _ *multiscaler.Multiscaler) reconcile.Reconciler {
			return &pingsource.Reconciler{Client: c, Options: opts}
		},
		setup: setupOnly(pingsource.SetupWithManager),
	}, {
		name: "apiserversource",
		list: func() client.ObjectList { return &sourcesv1.ApiServerSourceList{} },
		bind: func(c client.Client, opts reconciler.Options, _ *multiscaler.Multiscaler) reconcile.Reconciler {
			return &apiserversource.Reconciler{Client: c, Options: opts}
		},
		setup: setupOnly(apiserversource.SetupWithManager),
	}, {
		name: "eventtype",
		list: func() client.ObjectList { return &eventingv1beta2.EventTypeList{} },
		bind: func(c client.Client, opts reconciler.Options, _ *multiscaler.Multiscaler) reconcile.Reconciler {
			return &eventtype.Reconciler{Client: c, Options: opts}
		},
		setup: setupOnly(eventtype.SetupWithManager),
	},
}

// Setup adds every Serving and Eventing controller to mgr, and the webhooks
// (of both) when withWebhooks is set (the memory control plane defaults and
// validates in process instead). Event sources emit through the Emitter
// attached to mgr (see system/source.Attach), or nowhere.
func Setup(mgr ctrl.Manager, opts reconciler.Options, withWebhooks bool) (*Handles, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	h := &Handles{}
	for _, c := range controllers {
		if err := c.setup(mgr, opts, h); err != nil {
			return nil, fmt.Errorf("setting up %s controller: %w", c.name, err)
		}
	}
	if withWebhooks {
		if err := webhook.SetupWithManager(mgr); err != nil {
			return nil, err
		}
	}
	return h, nil
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

// Reconcilers returns every reconciler bound to c, in the order of the
// controller table (a change flows down it: Service, Configuration,
// Revision, PodAutoscaler, ServerlessService, Route, then the Eventing
// kinds). The PodAutoscaler's decides with ms. Without a manager nothing is
// watched: ApiServerSources resolve their sink but run no informers.
func Reconcilers(c client.Client, opts reconciler.Options, ms *multiscaler.Multiscaler) ([]Reconciler, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	rs := make([]Reconciler, len(controllers))
	for i, ctl := range controllers {
		rs[i] = Reconciler{Name: ctl.name, List: ctl.list(), Reconciler: ctl.bind(c, opts, ms)}
	}
	return rs, nil
}

// Kinds returns an empty object of every kind the controller table
// reconciles, in the table's order. Each has a status subresource, which a
// store without CRDs (the memory control plane) must be told of.
func Kinds() []client.Object {
	s := Scheme()
	out := make([]client.Object, 0, len(controllers))
	for _, c := range controllers {
		gvks, _, err := s.ObjectKinds(c.list())
		if err != nil {
			panic(fmt.Sprintf("stack: the %s controller's list is not in the scheme: %v", c.name, err))
		}
		gvk := gvks[0]
		gvk.Kind = strings.TrimSuffix(gvk.Kind, "List")
		obj, err := s.New(gvk)
		if err != nil {
			panic(fmt.Sprintf("stack: the %s controller's kind %s is not in the scheme: %v", c.name, gvk.Kind, err))
		}
		out = append(out, obj.(client.Object))
	}
	return out
}
