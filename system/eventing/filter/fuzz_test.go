package filter

import (
	"fmt"
	"testing"
	"time"

	cloudevents "github.com/cloudevents/sdk-go/v2"

	eventingv1 "github.com/knsim/knsim/system/apis/eventing/v1"
)

// FuzzCESQL compiles a Trigger's CESQL filter and matches it against an
// event, as the broker does for every event: neither may panic, a filter
// that Validate accepts compiles, and matching answers Pass or Fail.
func FuzzCESQL(f *testing.F) {
	for _, expr := range []string{
		"type = 'dev.knsim.order'",
		"type LIKE 'dev.%' AND source = '/orders'",
		"EXISTS subject AND subject <> ''",
		"NOT (type IN ('a', 'b', 'c'))",
		"INT(priority) > 3 OR BOOL(urgent)",
		"UPPER(type) = 'DEV.KNSIM.ORDER' AND LENGTH(source) >= 2",
		"CONCAT(type, '-', source) LIKE '%order%'",
		"ABS(INT(priority)) % 2 = 0",
		"SUBSTRING(type, 1, 3) = 'dev'",
		"IS_INT(priority) XOR IS_BOOL(urgent)",
		"type = ",
		"((((type))))",
		"1 / 0 = 1",
		"-9223372036854775808 / -1 = 1",
		"INT('99999999999999999999') = 1",
		"SUBSTRING(type, -100, 2147483647) = ''",
		"type LIKE '%%%%\\\\%_'",
		"",
	} {
		f.Add(expr, "dev.knsim.order", "/orders", "subj", "5")
	}
	f.Fuzz(func(t *testing.T, expr, typ, source, subject, ext string) {
		// A filter runs for every event: one that takes seconds is a
		// bug. Go's fuzzer does not catch hangs, so a watchdog turns
		// one into a crash that keeps the input.
		watchdog := time.AfterFunc(3*time.Second, func() {
			panic(fmt.Sprintf("CESQL filter %q took over 3s", expr))
		})
		defer watchdog.Stop()
		items := []eventingv1.SubscriptionsAPIFilter{{CESQL: expr}}
		compiled, err := Compile(nil, items)
		if verr := Validate(items); (verr == nil) != (err == nil) {
			t.Fatalf("Validate says %v but Compile says %v for %q", verr, err, expr)
		}
		if err != nil {
			return
		}
		ev := cloudevents.NewEvent()
		ev.SetID("1")
		ev.SetType(typ)
		ev.SetSource(source)
		ev.SetSubject(subject)
		ev.SetExtension("priority", ext)
		ev.SetExtension("urgent", ext)
		if r := compiled.MatchPtr(&ev); r != Pass && r != Fail && expr != "" {
			t.Fatalf("%q matched %v", expr, r)
		}
	})
}
