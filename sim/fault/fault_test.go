package fault

import (
	"testing"
	"time"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func TestActive(t *testing.T) {
	for _, tc := range []struct {
		name string
		f    Fault
		at   time.Duration
		want bool
	}{
		{"open window, start", Fault{}, 0, true},
		{"before From", Fault{From: t0.Add(time.Second)}, 0, false},
		{"at From", Fault{From: t0.Add(time.Second)}, time.Second, true},
		{"at Until", Fault{Until: t0.Add(time.Second)}, time.Second, false},
		{"just before Until", Fault{Until: t0.Add(time.Second)}, time.Second - 1, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.f.Active(t0.Add(tc.at)); got != tc.want {
				t.Errorf("Active = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestStatusAndSlow(t *testing.T) {
	if got := (Fault{}).StatusCode(); got != 500 {
		t.Errorf("default status = %d, want 500", got)
	}
	if got := (Fault{Status: 503}).StatusCode(); got != 503 {
		t.Errorf("status = %d, want 503", got)
	}
	for _, tc := range []struct {
		factor float64
		want   time.Duration
	}{{0, 10 * time.Millisecond}, {1, 10 * time.Millisecond}, {0.5, 10 * time.Millisecond}, {3, 30 * time.Millisecond}} {
		if got := (Fault{SlowFactor: tc.factor}).Slow(10 * time.Millisecond); got != tc.want {
			t.Errorf("Slow with factor %g = %s, want %s", tc.factor, got, tc.want)
		}
	}
}

func TestFailsDrawsOnlyWithARate(t *testing.T) {
	draws := 0
	draw := func() float64 { draws++; return 0.25 }
	if (Fault{}).Fails(draw) || draws != 0 {
		t.Errorf("a fault without an error rate failed or drew (%d draws)", draws)
	}
	if !(Fault{ErrorRate: 0.5}).Fails(draw) || draws != 1 {
		t.Errorf("rate 0.5 with draw 0.25 did not fail once (%d draws)", draws)
	}
	if (Fault{ErrorRate: 0.2}).Fails(draw) {
		t.Error("rate 0.2 with draw 0.25 failed")
	}
}

func TestDownAndErroring(t *testing.T) {
	faults := []Fault{
		{ErrorRate: 0.1, Status: 502},
		{Down: true, From: t0.Add(time.Second), Until: t0.Add(2 * time.Second), Status: 503},
	}
	if _, ok := Down(faults, t0); ok {
		t.Error("down before its window")
	}
	if f, ok := Down(faults, t0.Add(time.Second)); !ok || f.StatusCode() != 503 {
		t.Errorf("Down in window = %+v, %v", f, ok)
	}
	if f, ok := Erroring(faults, t0.Add(time.Hour)); !ok || f.StatusCode() != 502 {
		t.Errorf("Erroring = %+v, %v", f, ok)
	}
	if _, ok := Erroring(nil, t0); ok {
		t.Error("Erroring on no faults")
	}
}
