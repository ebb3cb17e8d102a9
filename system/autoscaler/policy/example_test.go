package policy_test

import (
	"fmt"
	"strconv"
	"time"

	"github.com/knsim/knsim/system/autoscaler/policy"
)

// warmPool keeps a fixed number of idle instances beside the busy ones: a
// user-written policy, chosen by revisions annotated
// autoscaling.knative.dev/class: warm-pool.example.com.
type warmPool struct {
	spare int32
	last  policy.Observation
}

func (w *warmPool) Observe(_ time.Time, o policy.Observation) { w.last = o }

func (w *warmPool) Decide(time.Time) policy.Decision {
	var busy int32
	var idle []string
	for _, p := range w.last.Pods {
		if p.Busy() {
			busy++
		} else {
			idle = append(idle, p.Name)
		}
	}
	d := policy.Decision{DesiredScale: busy + int32(w.last.Waiting) + w.spare}
	if extra := len(idle) - int(w.spare); extra > 0 {
		d.Remove = idle[:extra] // pods are sorted by name
	}
	return d
}

func ExampleRegistry_Register() {
	reg := policy.NewRegistry() // control planes use policy.Default
	err := reg.Register("warm-pool.example.com", func(p policy.Params) (policy.Policy, error) {
		spare, err := strconv.Atoi(p.Annotations["example.com/spare"])
		if err != nil {
			return nil, fmt.Errorf("example.com/spare: %w", err)
		}
		return &warmPool{spare: int32(spare)}, nil
	})
	if err != nil {
		panic(err)
	}

	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	pol, err := reg.New(policy.Params{Class: "warm-pool.example.com", Annotations: map[string]string{"example.com/spare": "1"}, Now: now})
	if err != nil {
		panic(err)
	}
	pol.Observe(now, policy.Observation{Pods: []policy.Pod{
		{Name: "a", InFlight: 1}, {Name: "b", IdleSince: now}, {Name: "c", IdleSince: now},
	}})
	fmt.Printf("%+v\n", pol.Decide(now))

	_, err = reg.New(policy.Params{Class: "warm-pool.example.com", Annotations: map[string]string{"example.com/spare": "many"}})
	fmt.Println(err)
	// Output:
	// {DesiredScale:2 Remove:[b]}
	// autoscaling.knative.dev/class warm-pool.example.com: example.com/spare: strconv.Atoi: parsing "many": invalid syntax
}
