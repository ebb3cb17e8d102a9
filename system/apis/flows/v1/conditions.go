package v1

import "github.com/knsim/knsim/system/apis/duck"

// Condition types of a Sequence's and a Parallel's FlowStatus, as in
// Knative: both flows wire channels and Subscriptions and are addressable
// through their first (ingress) channel.
const (
	FlowConditionChannelsReady      duck.ConditionType = "ChannelsReady"
	FlowConditionSubscriptionsReady duck.ConditionType = "SubscriptionsReady"
	FlowConditionAddressable        duck.ConditionType = "Addressable"
)

// FlowConditions is the living condition set of both flows: Ready once
// every channel and Subscription is ready and the flow has an address.
var FlowConditions = duck.NewLivingConditionSet(FlowConditionChannelsReady, FlowConditionSubscriptionsReady, FlowConditionAddressable)
