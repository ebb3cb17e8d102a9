package filter

import (
	"testing"
	"time"

	cloudevents "github.com/cloudevents/sdk-go/v2"
	"github.com/google/go-cmp/cmp"

	eventingv1 "github.com/knsim/knsim/system/apis/eventing/v1"
)

// testEvent is a 1.0 event with a subject, a string extension, an integer
// extension and a time.
func testEvent() cloudevents.Event {
	ev := cloudevents.NewEvent()
	ev.SetID("id-1")
	ev.SetType("dev.knative.example.created")
	ev.SetSource("https://example.com/orders")
	ev.SetSubject("order-42")
	ev.SetTime(time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC))
	ev.SetExtension("myext", "custom-value")
	ev.SetExtension("count", 5)
	return ev
}

type F = eventingv1.SubscriptionsAPIFilter

func TestAttributesFilter(t *testing.T) {
	tests := []struct {
		name  string
		attrs map[string]string
		ev    func() cloudevents.Event
		want  Result
	}{
		{name: "nil attributes", attrs: nil, want: NoFilter},
		{name: "empty attributes pass", attrs: map[string]string{}, want: Pass},
		{name: "exact type", attrs: map[string]string{"type": "dev.knative.example.created"}, want: Pass},
		{name: "wrong type", attrs: map[string]string{"type": "other"}, want: Fail},
		{name: "type and source", attrs: map[string]string{"type": "dev.knative.example.created", "source": "https://example.com/orders"}, want: Pass},
		{name: "one of two wrong", attrs: map[string]string{"type": "dev.knative.example.created", "source": "x"}, want: Fail},
		{name: "any value present", attrs: map[string]string{"subject": ""}, want: Pass},
		{name: "any value on missing subject", attrs: map[string]string{"subject": ""}, ev: func() cloudevents.Event {
			ev := testEvent()
			ev.SetSubject("")
			return ev
		}, want: Fail},
		{name: "extension exact", attrs: map[string]string{"myext": "custom-value"}, want: Pass},
		{name: "extension any", attrs: map[string]string{"myext": ""}, want: Pass},
		{name: "missing extension", attrs: map[string]string{"nope": ""}, want: Fail},
		{name: "missing extension exact", attrs: map[string]string{"nope": "x"}, want: Fail},
		{name: "integer extension as string", attrs: map[string]string{"count": "5"}, want: Pass},
		{name: "specversion", attrs: map[string]string{"specversion": "1.0"}, want: Pass},
		{name: "id", attrs: map[string]string{"id": "id-1"}, want: Pass},
		{name: "time RFC3339", attrs: map[string]string{"time": "2024-05-06T07:08:09Z"}, want: Pass},
		{name: "datacontenttype unset", attrs: map[string]string{"datacontenttype": ""}, want: Fail},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ev := testEvent()
			if tc.ev != nil {
				ev = tc.ev()
			}
			var tf *eventingv1.TriggerFilter
			if tc.attrs != nil {
				tf = &eventingv1.TriggerFilter{Attributes: tc.attrs}
			} else {
				tf = &eventingv1.TriggerFilter{}
			}
			f, err := Compile(tf, nil)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, f.Match(ev)); diff != "" {
				t.Errorf("Match (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSubscriptionsAPIFilters(t *testing.T) {
	tests := []struct {
		name    string
		filters []F
		want    Result
	}{
		{name: "exact pass", filters: []F{{Exact: map[string]string{"type": "dev.knative.example.created"}}}, want: Pass},
		{name: "exact fail", filters: []F{{Exact: map[string]string{"type": "dev.knative.example"}}}, want: Fail},
		{name: "exact missing attribute", filters: []F{{Exact: map[string]string{"nope": "x"}}}, want: Fail},
		{name: "exact empty value skipped", filters: []F{{Exact: map[string]string{"type": ""}}}, want: NoFilter},
		{name: "exact extension", filters: []F{{Exact: map[string]string{"myext": "custom-value"}}}, want: Pass},
		{name: "exact two keys", filters: []F{{Exact: map[string]string{"type": "dev.knative.example.created", "subject": "order-42"}}}, want: Pass},
		{name: "prefix pass", filters: []F{{Prefix: map[string]string{"type": "dev.knative."}}}, want: Pass},
		{name: "prefix fail", filters: []F{{Prefix: map[string]string{"type": "com."}}}, want: Fail},
		{name: "prefix missing attribute", filters: []F{{Prefix: map[string]string{"nope": "x"}}}, want: Fail},
		{name: "prefix extension", filters: []F{{Prefix: map[string]string{"myext": "custom"}}}, want: Pass},
		{name: "suffix pass", filters: []F{{Suffix: map[string]string{"type": ".created"}}}, want: Pass},
		{name: "suffix fail", filters: []F{{Suffix: map[string]string{"type": ".deleted"}}}, want: Fail},
		{name: "suffix missing attribute", filters: []F{{Suffix: map[string]string{"subject2": "42"}}}, want: Fail},
		{name: "list is ANDed pass", filters: []F{
			{Prefix: map[string]string{"type": "dev."}},
			{Suffix: map[string]string{"source": "/orders"}},
		}, want: Pass},
		{name: "list is ANDed fail", filters: []F{
			{Prefix: map[string]string{"type": "dev."}},
			{Suffix: map[string]string{"source": "/users"}},
		}, want: Fail},
		{name: "all pass", filters: []F{{All: []F{
			{Exact: map[string]string{"subject": "order-42"}},
			{Prefix: map[string]string{"source": "https://"}},
		}}}, want: Pass},
		{name: "all fail", filters: []F{{All: []F{
			{Exact: map[string]string{"subject": "order-42"}},
			{Prefix: map[string]string{"source": "http://"}},
		}}}, want: Fail},
		{name: "any pass", filters: []F{{Any: []F{
			{Exact: map[string]string{"type": "a"}},
			{Exact: map[string]string{"type": "dev.knative.example.created"}},
		}}}, want: Pass},
		{name: "any fail", filters: []F{{Any: []F{
			{Exact: map[string]string{"type": "a"}},
			{Exact: map[string]string{"type": "b"}},
		}}}, want: Fail},
		{name: "not pass", filters: []F{{Not: &F{Exact: map[string]string{"type": "a"}}}}, want: Pass},
		{name: "not fail", filters: []F{{Not: &F{Prefix: map[string]string{"type": "dev."}}}}, want: Fail},
		{name: "not of skipped item", filters: []F{{Not: &F{}}}, want: NoFilter},
		{name: "not of missing attribute passes", filters: []F{{Not: &F{Exact: map[string]string{"nope": "x"}}}}, want: Pass},
		{name: "nested any inside all inside not", filters: []F{{Not: &F{All: []F{
			{Any: []F{
				{Exact: map[string]string{"type": "x"}},
				{Suffix: map[string]string{"type": "created"}},
			}},
			{Exact: map[string]string{"myext": "custom-value"}},
		}}}}, want: Fail},
		{name: "any of only skipped items", filters: []F{{Any: []F{{}, {}}}}, want: NoFilter},
		{name: "empty item skipped", filters: []F{{}}, want: NoFilter},
		{name: "skipped item and pass", filters: []F{{}, {Exact: map[string]string{"id": "id-1"}}}, want: Pass},
		{name: "cesql true", filters: []F{{CESQL: "type = 'dev.knative.example.created' AND myext LIKE 'custom%'"}}, want: Pass},
		{name: "cesql false", filters: []F{{CESQL: "subject = 'order-1'"}}, want: Fail},
		{name: "cesql missing attribute fails", filters: []F{{CESQL: "nope = 'x'"}}, want: Fail},
		{name: "cesql exists", filters: []F{{CESQL: "EXISTS myext"}}, want: Pass},
		{name: "cesql not exists", filters: []F{{CESQL: "NOT EXISTS nope"}}, want: Pass},
		{name: "cesql integer extension", filters: []F{{CESQL: "count > 3"}}, want: Pass},
		{name: "cesql unknown function fails at match", filters: []F{{CESQL: "unknownfn(type)"}}, want: Fail},
		{name: "cesql IN", filters: []F{{CESQL: "subject IN ('order-1', 'order-42')"}}, want: Pass},
		{name: "cesql string function", filters: []F{{CESQL: "UPPER(myext) = 'CUSTOM-VALUE'"}}, want: Pass},
		{name: "cesql non-boolean result fails", filters: []F{{CESQL: "'abc'"}}, want: Fail},
		{name: "cesql with other dialects", filters: []F{
			{CESQL: "source LIKE 'https://%'"},
			{Not: &F{CESQL: "subject = 'x'"}},
		}, want: Pass},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Compile(nil, tc.filters)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, f.Match(testEvent())); diff != "" {
				t.Errorf("Match (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFiltersWinOverFilter(t *testing.T) {
	spec := &eventingv1.TriggerSpec{
		Filter:  &eventingv1.TriggerFilter{Attributes: map[string]string{"type": "other"}},
		Filters: []F{{Exact: map[string]string{"type": "dev.knative.example.created"}}},
	}
	f, err := ForTrigger(spec)
	if err != nil {
		t.Fatal(err)
	}
	if got := f.Match(testEvent()); got != Pass {
		t.Errorf("filters must win over filter: got %v", got)
	}
	spec.Filters = nil
	f, err = ForTrigger(spec)
	if err != nil {
		t.Fatal(err)
	}
	if got := f.Match(testEvent()); got != Fail {
		t.Errorf("filter applies when filters is empty: got %v", got)
	}
	f, err = ForTrigger(&eventingv1.TriggerSpec{})
	if err != nil {
		t.Fatal(err)
	}
	if got := f.Match(testEvent()); got != NoFilter {
		t.Errorf("no filter: got %v", got)
	}
	var nilFilter *Filter
	if got := nilFilter.Match(testEvent()); got != NoFilter {
		t.Errorf("nil Filter: got %v", got)
	}
}

func TestSpecVersion03(t *testing.T) {
	ev := testEvent()
	ev.SetSpecVersion("0.3")
	ev.SetDataSchema("https://example.com/schema")
	tests := []struct {
		name    string
		filters []F
		want    Result
	}{
		{name: "specversion", filters: []F{{Exact: map[string]string{"specversion": "0.3"}}}, want: Pass},
		{name: "schemaurl alias", filters: []F{{Exact: map[string]string{"schemaurl": "https://example.com/schema"}}}, want: Pass},
		{name: "extension kept", filters: []F{{Exact: map[string]string{"myext": "custom-value"}}}, want: Pass},
		{name: "cesql", filters: []F{{CESQL: "specversion = '0.3'"}}, want: Pass},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Compile(nil, tc.filters)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, f.Match(ev)); diff != "" {
				t.Errorf("Match (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCompileCESQLError(t *testing.T) {
	_, err := Compile(nil, []F{{Exact: map[string]string{"type": "a"}}, {All: []F{{CESQL: "type = "}}}})
	if err == nil {
		t.Fatal("want a parse error")
	}
	if want := "filters[1].all[0].cesql: "; len(err.Error()) < len(want) || err.Error()[:len(want)] != want {
		t.Errorf("error %q should start with %q", err, want)
	}
}

func TestResultAlgebra(t *testing.T) {
	rs := []Result{NoFilter, Pass, Fail}
	type row struct{ And, Or Result }
	want := map[[2]Result]row{
		{NoFilter, NoFilter}: {NoFilter, NoFilter},
		{NoFilter, Pass}:     {Pass, Pass},
		{NoFilter, Fail}:     {Fail, Fail},
		{Pass, NoFilter}:     {Pass, Pass},
		{Pass, Pass}:         {Pass, Pass},
		{Pass, Fail}:         {Fail, Pass},
		{Fail, NoFilter}:     {Fail, Fail},
		{Fail, Pass}:         {Fail, Pass},
		{Fail, Fail}:         {Fail, Fail},
	}
	got := map[[2]Result]row{}
	for _, a := range rs {
		for _, b := range rs {
			got[[2]Result{a, b}] = row{a.And(b), a.Or(b)}
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("algebra (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"NoFilter", "Pass", "Fail"}, []string{NoFilter.String(), Pass.String(), Fail.String()}); diff != "" {
		t.Errorf("String (-want +got):\n%s", diff)
	}
}
