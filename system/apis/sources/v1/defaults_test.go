package v1

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/knsim/knsim/system/apis/duck"
)

func brokerSink(ns string) duck.SourceSpec {
	return duck.SourceSpec{Sink: duck.Destination{Ref: &duck.KReference{
		APIVersion: "eventing.knative.dev/v1", Kind: "Broker", Name: "default", Namespace: ns}}}
}

func TestSourceDefaults(t *testing.T) {
	meta := metav1.ObjectMeta{Namespace: "ns", Name: "src"}
	tests := []struct {
		name     string
		in, want interface{ SetDefaults() }
	}{{
		name: "PingSource gets the every-minute schedule and no content type",
		in:   &PingSource{ObjectMeta: meta, Spec: PingSourceSpec{SourceSpec: brokerSink(""), Data: "x"}},
		want: &PingSource{ObjectMeta: meta, Spec: PingSourceSpec{SourceSpec: brokerSink("ns"), Data: "x", Schedule: "* * * * *"}},
	}, {
		name: "PingSource schedule kept",
		in:   &PingSource{ObjectMeta: meta, Spec: PingSourceSpec{SourceSpec: brokerSink("x"), Schedule: "*/5 * * * *"}},
		want: &PingSource{ObjectMeta: meta, Spec: PingSourceSpec{SourceSpec: brokerSink("x"), Schedule: "*/5 * * * *"}},
	}, {
		name: "ApiServerSource gets Reference mode and the default service account",
		in:   &ApiServerSource{ObjectMeta: meta, Spec: ApiServerSourceSpec{SourceSpec: brokerSink("")}},
		want: &ApiServerSource{ObjectMeta: meta, Spec: ApiServerSourceSpec{SourceSpec: brokerSink("ns"),
			EventMode: "Reference", ServiceAccountName: "default"}},
	}, {
		name: "ApiServerSource Resource mode kept",
		in:   &ApiServerSource{ObjectMeta: meta, Spec: ApiServerSourceSpec{SourceSpec: brokerSink("ns"), EventMode: "Resource"}},
		want: &ApiServerSource{ObjectMeta: meta, Spec: ApiServerSourceSpec{SourceSpec: brokerSink("ns"),
			EventMode: "Resource", ServiceAccountName: "default"}},
	}, {
		name: "SinkBinding subject namespace",
		in: &SinkBinding{ObjectMeta: meta, Spec: SinkBindingSpec{SourceSpec: brokerSink(""),
			Subject: Reference{APIVersion: "apps/v1", Kind: "Deployment", Name: "d"}}},
		want: &SinkBinding{ObjectMeta: meta, Spec: SinkBindingSpec{SourceSpec: brokerSink("ns"),
			Subject: Reference{APIVersion: "apps/v1", Kind: "Deployment", Name: "d", Namespace: "ns"}}},
	}, {
		name: "ContainerSource sink namespace",
		in:   &ContainerSource{ObjectMeta: meta, Spec: ContainerSourceSpec{SourceSpec: brokerSink("")}},
		want: &ContainerSource{ObjectMeta: meta, Spec: ContainerSourceSpec{SourceSpec: brokerSink("ns")}},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.in.SetDefaults()
			if diff := cmp.Diff(tc.want, tc.in); diff != "" {
				t.Errorf("SetDefaults (-want +got):\n%s", diff)
			}
		})
	}
}
