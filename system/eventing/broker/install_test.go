package broker

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRegistryInstall(t *testing.T) {
	r := NewRegistry()
	a, b, c := Key{Namespace: "ns", Name: "a"}, Key{Namespace: "ns", Name: "b"}, Key{Namespace: "ns", Name: "c"}
	r.Install(map[Key]Broker{a: {}, b: {Triggers: []Trigger{{Namespace: "ns", Name: "t1", SubscriberURI: "http://s1"}}}})
	r.Install(map[Key]Broker{b: {Triggers: []Trigger{{Namespace: "ns", Name: "t2", SubscriberURI: "http://s2"}}}, c: {}})

	keys := r.Keys()
	slices.SortFunc(keys, func(x, y Key) int { return strings.Compare(x.Name, y.Name) })
	if diff := cmp.Diff([]Key{b, c}, keys); diff != "" {
		t.Errorf("brokers after the second Install (-want +got):\n%s", diff)
	}
	got, ok := r.Lookup(b)
	if !ok {
		t.Fatal("broker b is missing")
	}
	var names []string
	for _, tr := range got.Triggers {
		names = append(names, tr.Name)
	}
	if diff := cmp.Diff([]string{"t2"}, names); diff != "" {
		t.Errorf("triggers of b (-want +got):\n%s", diff)
	}
}
