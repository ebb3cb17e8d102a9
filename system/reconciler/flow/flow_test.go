package flow

import (
	"errors"
	"reflect"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/knsim/knsim/system/apis/duck"
	flowsv1 "github.com/knsim/knsim/system/apis/flows/v1"
)

func ref(kind, name string) duck.KReference {
	return duck.KReference{APIVersion: "messaging.knative.dev/v1", Kind: kind, Namespace: "ns", Name: name}
}

func ready(status corev1.ConditionStatus, reason, msg string) *duck.Condition {
	return &duck.Condition{Type: duck.ConditionReady, Status: status, Reason: reason, Message: msg}
}

func child(name string, c *duck.Condition) duck.Child {
	return duck.Child{Name: name, Ready: c}
}

// want is the part of a FlowStatus a case checks; a condition is
// "Status/Reason/Message".
type want struct {
	channels      []duck.KReference
	subscriptions []duck.KReference
	address       string
	generation    int64
	conds         map[duck.ConditionType]string
}

func TestApply(t *testing.T) {
	now := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	ch0, ch1 := ref("InMemoryChannel", "f-0"), ref("InMemoryChannel", "f-1")
	sub0, sub1 := ref("Subscription", "f-0"), ref("Subscription", "f-1")
	old := []duck.KReference{ref("Subscription", "old")}
	plan := func(grow bool) Plan {
		return Plan{
			Kind:                 "sequence",
			Channels:             []Channel{{ID: "0", Ref: ch0}, {ID: "1", Ref: ch1}},
			Subscriptions:        []Subscription{{ID: "0", Ref: sub0}, {ID: "1", Ref: sub1}},
			GrowSubscriptionRefs: grow,
			NoAddress:            "The first channel has no address yet.",
		}
	}
	readyChannels := []duck.Child{child("f-0", ready(corev1.ConditionTrue, "", "")), child("f-1", ready(corev1.ConditionTrue, "", ""))}
	readySubs := []duck.Child{child("f-0", ready(corev1.ConditionTrue, "", "")), child("f-1", ready(corev1.ConditionTrue, "", ""))}
	notOwned := errors.New("InMemoryChannel f-1 exists and is not owned")

	cases := []struct {
		name string
		plan Plan
		o    outcome
		want want
	}{{
		name: "invalid template",
		plan: func() Plan { p := plan(false); p.InvalidTemplate = errors.New("bad template"); return p }(),
		want: want{
			channels:      make([]duck.KReference, 2),
			subscriptions: old,
			conds: map[duck.ConditionType]string{
				flowsv1.FlowConditionChannelsReady:      "False/InvalidChannelTemplate/bad template",
				flowsv1.FlowConditionSubscriptionsReady: "Unknown//",
				duck.ConditionReady:                     "False/InvalidChannelTemplate/bad template",
			},
		},
	}, {
		name: "first channel not owned",
		plan: plan(false),
		o:    outcome{channelNotOwned: notOwned},
		want: want{
			channels:      make([]duck.KReference, 2),
			subscriptions: old,
			conds: map[duck.ConditionType]string{
				flowsv1.FlowConditionChannelsReady: "False/NotOwned/" + notOwned.Error(),
			},
		},
	}, {
		name: "second channel not owned",
		plan: plan(false),
		o:    outcome{channels: readyChannels[:1], address: "http://f-0", channelNotOwned: notOwned},
		want: want{
			channels:      []duck.KReference{ch0, {}},
			subscriptions: old,
			address:       "http://f-0",
			conds: map[duck.ConditionType]string{
				flowsv1.FlowConditionChannelsReady: "False/NotOwned/" + notOwned.Error(),
			},
		},
	}, {
		name: "second subscription not owned, one entry per subscription",
		plan: plan(false),
		o:    outcome{channels: readyChannels, address: "http://f-0", subs: readySubs[:1], subNotOwned: notOwned},
		want: want{
			channels:      []duck.KReference{ch0, ch1},
			subscriptions: []duck.KReference{sub0, {}},
			address:       "http://f-0",
			conds: map[duck.ConditionType]string{
				flowsv1.FlowConditionChannelsReady:      "True//",
				flowsv1.FlowConditionSubscriptionsReady: "False/NotOwned/" + notOwned.Error(),
			},
		},
	}, {
		name: "second subscription not owned, growing references",
		plan: plan(true),
		o:    outcome{channels: readyChannels, address: "http://f-0", subs: readySubs[:1], subNotOwned: notOwned},
		want: want{
			channels:      []duck.KReference{ch0, ch1},
			subscriptions: []duck.KReference{sub0},
			address:       "http://f-0",
			conds: map[duck.ConditionType]string{
				flowsv1.FlowConditionSubscriptionsReady: "False/NotOwned/" + notOwned.Error(),
			},
		},
	}, {
		name: "all ready",
		plan: plan(false),
		o:    outcome{channels: readyChannels, address: "http://f-0", subs: readySubs},
		want: want{
			channels:      []duck.KReference{ch0, ch1},
			subscriptions: []duck.KReference{sub0, sub1},
			address:       "http://f-0",
			generation:    3,
			conds: map[duck.ConditionType]string{
				flowsv1.FlowConditionChannelsReady:      "True//",
				flowsv1.FlowConditionSubscriptionsReady: "True//",
				flowsv1.FlowConditionAddressable:        "True//",
				duck.ConditionReady:                     "True//",
			},
		},
	}, {
		name: "no address yet",
		plan: plan(false),
		o:    outcome{channels: readyChannels, subs: readySubs},
		want: want{
			channels:      []duck.KReference{ch0, ch1},
			subscriptions: []duck.KReference{sub0, sub1},
			generation:    3,
			conds: map[duck.ConditionType]string{
				flowsv1.FlowConditionAddressable: "Unknown/ChannelNotAddressable/The first channel has no address yet.",
			},
		},
	}, {
		name: "children not ready",
		plan: plan(false),
		o: outcome{
			channels: []duck.Child{readyChannels[0], child("f-1", nil)},
			address:  "http://f-0",
			subs:     []duck.Child{child("f-0", ready(corev1.ConditionFalse, "NoSubscriber", "no subscriber")), readySubs[1]},
		},
		want: want{
			channels:      []duck.KReference{ch0, ch1},
			subscriptions: []duck.KReference{sub0, sub1},
			address:       "http://f-0",
			generation:    3,
			conds: map[duck.ConditionType]string{
				flowsv1.FlowConditionChannelsReady:      "Unknown/ChannelNotReady/Channel f-1 is not ready yet",
				flowsv1.FlowConditionSubscriptionsReady: "False/NoSubscriber/Subscription f-0 is not ready: no subscriber",
				flowsv1.FlowConditionAddressable:        "True//",
			},
		},
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			st := &flowsv1.FlowStatus{Subscriptions: old}
			st.Address = duck.Addressable{URL: "http://stale"}
			apply(st, &tc.plan, tc.o, 3, now)
			if !reflect.DeepEqual(st.Channels, tc.want.channels) {
				t.Errorf("channels = %v, want %v", st.Channels, tc.want.channels)
			}
			if !reflect.DeepEqual(st.Subscriptions, tc.want.subscriptions) {
				t.Errorf("subscriptions = %v, want %v", st.Subscriptions, tc.want.subscriptions)
			}
			if st.Address.URL != tc.want.address {
				t.Errorf("address = %q, want %q", st.Address.URL, tc.want.address)
			}
			if st.ObservedGeneration != tc.want.generation {
				t.Errorf("observedGeneration = %d, want %d", st.ObservedGeneration, tc.want.generation)
			}
			for typ, w := range tc.want.conds {
				c := st.GetCondition(typ)
				if c == nil {
					t.Errorf("condition %s missing, want %s", typ, w)
					continue
				}
				if got := string(c.Status) + "/" + c.Reason + "/" + c.Message; got != w {
					t.Errorf("condition %s = %s, want %s", typ, got, w)
				}
			}
		})
	}
}
