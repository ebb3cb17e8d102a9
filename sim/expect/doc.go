// Package expect is the expectation language of knsim scenarios: one-line
// boolean expressions over a run's results, checked when the run ends.
//
//	pods.max <= 12
//	latency.p99 < 250ms && requests.errors == 0
//	at(45s).pods.ready >= 5
//	service(helloworld-go).pods.max <= 3
//	requests.error_rate < 0.5% || !(coldstarts.count > 1)
//
// # Grammar
//
//	expr       = or
//	or         = and { "||" and }
//	and        = unary { "&&" unary }
//	unary      = "!" unary | "(" expr ")" | comparison
//	comparison = operand op operand           (at least one side a metric)
//	op         = "<" | "<=" | ">" | ">=" | "==" | "!="
//	operand    = metric | number | duration | percentage
//	metric     = { scope "." } name
//	scope      = "at(" duration ")" | "service(" [namespace "/"] name ")"
//	           | "revision(" [namespace "/"] name ")"
//	name       = word { "." word }                (one of KnownMetrics)
//
// Numbers are decimals (12, 0.5, -3); durations use Go's syntax (250ms,
// 1.5s, 2m, 1h30m; units ns, us, ms, s, m, h); a percentage (99%, 0.5%) is
// the number divided by 100. `!` negates the expression or comparison that
// follows it: `!pods.max <= 3` is `!(pods.max <= 3)`. `&&` binds tighter
// than `||`. Comparisons do not chain: write `a > 1 && a < 3`.
//
// # Types
//
// Every metric is either a number or a duration ([Metric.Kind]). A duration
// metric compares only with a duration literal or another duration metric
// (0 is accepted as a duration); a number metric only with a number, a
// percentage or another number metric. Mismatches, unknown metrics (with a
// "did you mean" suggestion), unknown operators and malformed literals are
// [SyntaxError]s reported by [Parse] with the line and column.
//
// # Scopes
//
// Without a scope a metric covers the whole run and every service; a gauge
// (pods.ready, pods.desired, pods.pending) is read at the end of the run.
// service(name) or service(namespace/name) restricts the metric to one
// Knative Service (a bare name means the namespace default). at(t) reads the
// metric as it stood at virtual time t after the start of the run: a gauge's
// value at that instant, and for every other metric the value over [0, t].
// revision(name) or revision(namespace/name) restricts pods, requests, cold
// starts and cost to one Revision, e.g. to check a traffic split:
// revision(hello-v2).requests.total >= 4800. Scopes may be combined, in any
// order: service(x).at(1m).pods.ready.
//
// # Evaluation
//
// The runner implements [Results]; [Expr.Eval] asks it for each metric
// reference and reports an [Outcome] whose Observed text shows the values
// seen, e.g. "pods.max = 14 (want <= 12)". [Expr.Refs] lists the references
// beforehand, so a runner can record at(t) snapshots while it runs. Numbers
// compare with a relative tolerance of 1e-9, so sums of money or seconds
// compare equal to the literal a person would write.
package expect
