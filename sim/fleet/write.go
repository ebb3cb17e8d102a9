package fleet

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// WriteTrace writes the fleet's day in the Azure Functions 2019 format
// (AzureFunctionsDataset2019, invocations_per_function_md.anon.dNN.csv):
//
//	HashOwner,HashApp,HashFunction,Trigger,1,2,...,1440
//
// then one line per function, in index order.
func (f *Fleet) WriteTrace(w io.Writer) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("HashOwner,HashApp,HashFunction,Trigger")
	for m := 1; m <= MinutesPerDay; m++ {
		bw.WriteString("," + strconv.Itoa(m))
	}
	bw.WriteString("\n")
	var num []byte
	for _, fn := range f.Functions {
		bw.WriteString(fn.Owner + "," + fn.App + "," + fn.Function + "," + fn.Profile.Trigger)
		for _, n := range fn.PerMinute {
			bw.WriteByte(',')
			num = strconv.AppendInt(num[:0], int64(n), 10)
			bw.Write(num)
		}
		bw.WriteString("\n")
	}
	return bw.Flush()
}

// WriteServices writes one Knative Service per function, as YAML
// documents, after comment (each of its lines written as a "# " comment
// line; "" writes none). The Services take every autoscaling default; a
// scenario's config-autoscaler sets the targets. Each is labelled with its
// function's trigger (trace.knsim.dev/trigger), and requests its
// profile's MemoryMi when set.
func (f *Fleet) WriteServices(w io.Writer, comment string) error {
	bw := bufio.NewWriter(w)
	if comment != "" {
		for _, line := range strings.Split(strings.TrimSuffix(comment, "\n"), "\n") {
			bw.WriteString(strings.TrimRight("# "+line, " ") + "\n")
		}
	}
	for i, fn := range f.Functions {
		if i > 0 {
			bw.WriteString("---\n")
		}
		p := fn.Profile
		fmt.Fprintf(bw, `apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: %s
  namespace: default
  labels:
    trace.knsim.dev/trigger: %s
spec:
  template:
    spec:
      containers:
        - image: registry.example.com/functions/%s:v1
`, p.Service, p.Trigger, p.Service)
		if p.MemoryMi > 0 {
			fmt.Fprintf(bw, "          resources:\n            requests:\n              memory: %dMi\n", p.MemoryMi)
		}
	}
	return bw.Flush()
}

// WriteMap writes the trace map (HashFunction: Service, every function)
// and the workloads block (a log-normal service time per Service) of a
// scenario that replays the fleet, indented to paste into a scenario's
// trace and top level.
func (f *Fleet) WriteMap(w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintln(bw, "    map:")
	for _, fn := range f.Functions {
		fmt.Fprintf(bw, "      %q: %s\n", fn.Function, fn.Profile.Service)
	}
	fmt.Fprintln(bw, "workloads:")
	writeWorkloads(bw, f.Functions)
	return bw.Flush()
}

// writeWorkloads writes one workload line per function.
func writeWorkloads(w io.Writer, fns []Function) {
	for _, fn := range fns {
		p := fn.Profile
		fmt.Fprintf(w, "  %s: {serviceTime: {type: lognormal, mu: %.3f, sigma: %g}}   # median %gms\n",
			p.Service, math.Log(p.MedianMs/1000), p.ExecSigma, p.MedianMs)
	}
}
