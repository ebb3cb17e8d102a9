package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"go.uber.org/zap/zapcore"
	"k8s.io/apimachinery/pkg/api/resource"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"

	"github.com/knsim/knsim/sim/cluster"
	"github.com/knsim/knsim/sim/gcpolicy"
	"github.com/knsim/knsim/sim/world"
	"github.com/knsim/knsim/system/activator"
	"github.com/knsim/knsim/system/container"
	"github.com/knsim/knsim/system/eventing/broker"
	"github.com/knsim/knsim/system/eventing/jetstream"
	"github.com/knsim/knsim/system/eventing/wire"
	"github.com/knsim/knsim/system/httpserve"
	"github.com/knsim/knsim/system/ingress"
	"github.com/knsim/knsim/system/shell"
	"github.com/knsim/knsim/system/shell/eventingshell"
	"github.com/knsim/knsim/system/shell/servingshell"
)

type upOptions struct {
	kubeconfig string
	nodes      int
	podStartup time.Duration
	verbose    bool
	// gatewayPort is the data plane's port on 127.0.0.1 (0: any free one);
	// portSet tells whether the user chose it, so a busy default can fall
	// back to a free port.
	gatewayPort int
	portSet     bool
	serviceTime time.Duration
	cpuMilli    float64
	// brokerPort is the eventing broker ingress's port on 127.0.0.1 (0:
	// any free one); the channel ingress takes a free port.
	brokerPort int
	// gc is the collector setting for the process (see sim/gcpolicy).
	gc string
	// jetstreamStore is the embedded JetStream's store folder ("": the
	// per-user default); one running instance holds it at a time.
	jetstreamStore string
	// stateDir keeps the whole state across restarts: etcd's data in
	// stateDir/etcd and the JetStream store in stateDir/jetstream.
	stateDir string
	// The servers' limits (docs/reliability.md): request and event body
	// sizes (Kubernetes quantities), the requests the activator holds and
	// the events the broker ingress has accepted but not yet delivered.
	maxRequestBody, maxEventBody string
	activatorMaxWaiting          int
	brokerMaxPending             int64
	// natsTokenFile receives the embedded NATS server's client token
	// (mode 0600), for NATS clients other than knsim's own.
	natsTokenFile string
	// debugAddr serves net/http/pprof on loopback ("": off), so that a
	// soak test or a person can read goroutines and heap of the process.
	debugAddr string
	// metrics are the Prometheus endpoint's flags (up_metrics.go).
	metrics metricsOptions
}

// limits parses the server-limit flags into the shells' settings.
func (o upOptions) limits() (requestBody, eventBody int64, err error) {
	parse := func(flag, v string) (int64, error) {
		q, err := resource.ParseQuantity(v)
		if err != nil {
			return 0, fmt.Errorf("--%s: %q is not a size such as 10Mi: %w", flag, v, err)
		}
		n, ok := q.AsInt64()
		if !ok || n < 1 {
			return 0, fmt.Errorf("--%s must be a positive number of bytes, got %q", flag, v)
		}
		return n, nil
	}
	if requestBody, err = parse("max-request-body", o.maxRequestBody); err != nil {
		return 0, 0, err
	}
	if eventBody, err = parse("max-event-body", o.maxEventBody); err != nil {
		return 0, 0, err
	}
	if o.activatorMaxWaiting < 1 {
		return 0, 0, fmt.Errorf("--activator-max-waiting must be at least 1, got %d", o.activatorMaxWaiting)
	}
	if o.brokerMaxPending < 1 {
		return 0, 0, fmt.Errorf("--broker-max-pending must be at least 1, got %d", o.brokerMaxPending)
	}
	return requestBody, eventBody, nil
}

// jetstreamSubdir is the JetStream store's folder inside --state-dir.
const jetstreamSubdir = "jetstream"

// stores resolves --state-dir and --jetstream-store: the control plane's
// state folder ("": temporary) and the JetStream store ("": the default).
// With --state-dir the store is DIR/jetstream; --jetstream-store may name
// that same folder, any other is a conflict.
func (o upOptions) stores() (stateDir, jsStore string, err error) {
	if o.stateDir == "" {
		return "", o.jetstreamStore, nil
	}
	stateDir, err = filepath.Abs(o.stateDir)
	if err != nil {
		return "", "", fmt.Errorf("--state-dir: %w", err)
	}
	jsStore = filepath.Join(stateDir, jetstreamSubdir)
	if o.jetstreamStore != "" {
		given, err := filepath.Abs(o.jetstreamStore)
		if err != nil {
			return "", "", fmt.Errorf("--jetstream-store: %w", err)
		}
		if given != jsStore {
			return "", "", fmt.Errorf("--jetstream-store %s conflicts with --state-dir %s, which keeps the JetStream store in %s: "+
				"drop --jetstream-store (or give that folder)", o.jetstreamStore, o.stateDir, jsStore)
		}
	}
	return stateDir, jsStore, nil
}

func newUpCommand() *cobra.Command {
	o := upOptions{}
	cmd := &cobra.Command{
		Use:   "up",
		Short: "Start the Serving and Eventing control and data planes on a real kube-apiserver",
		Long: `up starts an envtest kube-apiserver and etcd, installs knsim's CRDs and
admission webhooks, runs the Serving and Eventing controllers and the cluster
emulation in this process, and writes an admin kubeconfig. A real HTTP data plane on
127.0.0.1 (gateway, activator, one queue-proxy per ready pod, in-process user
containers) serves the Routes, so curl and hey reach the Services and their
load drives the autoscaler. The eventing data plane (broker ingress, channels,
durable channels on an embedded NATS JetStream) runs on 127.0.0.1 too, and
PingSource and ApiServerSource events go to their sinks. Stop it with Ctrl-C.

Without --state-dir the control plane (etcd) is new at every start and only
the durable channels' JetStream store is kept: apply the manifests again and
each Subscription finds its durable consumer, and the events it kept, by its
namespace and name. With --state-dir DIR, etcd's data (DIR/etcd) and the
JetStream store (DIR/jetstream) are both kept, so a restart finds every
object with its UID and every stored event, after a clean stop or a kill.
etcd and kube-apiserver die with knsim, even when it is killed (Linux).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.portSet = cmd.Flags().Changed("gateway-port")
			o.metrics.addrSet = cmd.Flags().Changed("metrics-addr")
			return o.run(cmd.Context())
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.kubeconfig, "kubeconfig", "knsim.kubeconfig", "where to write the kubeconfig")
	f.IntVar(&o.nodes, "nodes", 3, "number of emulated worker nodes")
	f.DurationVar(&o.podStartup, "pod-startup", time.Second, "time from scheduling to a pod's readiness")
	f.BoolVarP(&o.verbose, "verbose", "v", false, "log every reconcile")
	f.IntVar(&o.gatewayPort, "gateway-port", 8080, "the gateway's port on 127.0.0.1 (0: any free port; a busy default falls back to one)")
	f.DurationVar(&o.serviceTime, "service-time", 10*time.Millisecond, "how long each in-process user container holds a request")
	f.Float64Var(&o.cpuMilli, "cpu-per-request", 0, "millicores each request uses while its container works on it (the CPU the HPA class scales on)")
	f.IntVar(&o.brokerPort, "broker-port", 0, "the eventing broker ingress's port on 127.0.0.1 (0: any free port)")
	f.StringVar(&o.gc, "gc-memory-limit", gcpolicy.Policy{MemoryLimit: gcpolicy.DefaultMemoryLimit}.String(),
		`collect garbage only when the heap nears this size (GOGC off below it), which keeps collector pauses out of the data plane's latency; under load the resident size then climbs to about this size and stays there; "default" keeps Go's GOGC=100, which returns memory when idle; GOGC or GOMEMLIMIT in the environment win`)
	f.StringVar(&o.jetstreamStore, "jetstream-store", "", "store folder of the durable channels' embedded NATS JetStream (default ~/.cache/knsim/jetstream/default, or DIR/jetstream with --state-dir; one running knsim per folder)")
	f.StringVar(&o.maxRequestBody, "max-request-body", resource.NewQuantity(ingress.DefaultMaxBodyBytes, resource.BinarySI).String(), "the gateway's request-size limit (413 above it)")
	f.StringVar(&o.maxEventBody, "max-event-body", resource.NewQuantity(wire.DefaultMaxBodyBytes, resource.BinarySI).String(), "the event-size limit of the broker and channel ingresses (413 above it)")
	f.IntVar(&o.activatorMaxWaiting, "activator-max-waiting", activator.DefaultMaxWaiting, "requests the activator holds over all revisions while they wait for pods (503 beyond)")
	f.Int64Var(&o.brokerMaxPending, "broker-max-pending", broker.DefaultMaxPendingEvents, "events the broker ingress has accepted and not yet delivered, retried or dead-lettered (503 beyond)")
	f.StringVar(&o.natsTokenFile, "nats-token-file", "knsim.nats-token", "where to write the embedded NATS server's client token, random at each start (mode 0600; nats --token \"$(cat FILE)\"); \"\" writes none")
	f.StringVar(&o.debugAddr, "debug-addr", "", "serve Go's pprof (goroutines, heap, CPU) on this loopback address, e.g. 127.0.0.1:6060 (default off)")
	f.StringVar(&o.stateDir, "state-dir", "", "keep the control plane and the durable channels across restarts: etcd's data in DIR/etcd, the JetStream store in DIR/jetstream (one running knsim per folder)")
	o.metrics.addFlags(f)
	return cmd
}

func (o upOptions) run(ctx context.Context) error {
	if o.nodes < 1 {
		return fmt.Errorf("--nodes must be at least 1, got %d", o.nodes)
	}
	if o.podStartup < 0 {
		return fmt.Errorf("--pod-startup must not be negative, got %s", o.podStartup)
	}
	if o.gatewayPort < 0 || o.gatewayPort > 65535 {
		return fmt.Errorf("--gateway-port must be in 0..65535, got %d", o.gatewayPort)
	}
	if o.cpuMilli < 0 {
		return fmt.Errorf("--cpu-per-request must not be negative, got %g", o.cpuMilli)
	}
	if o.serviceTime < 0 {
		return fmt.Errorf("--service-time must not be negative, got %s", o.serviceTime)
	}
	if o.brokerPort < 0 || o.brokerPort > 65535 {
		return fmt.Errorf("--broker-port must be in 0..65535, got %d", o.brokerPort)
	}
	if err := checkDebugAddr(o.debugAddr); err != nil {
		return err
	}
	requestBody, eventBody, err := o.limits()
	if err != nil {
		return err
	}
	if err := o.metrics.validate(); err != nil {
		return err
	}
	stateDir, jsStore, err := o.stores()
	if err != nil {
		return err
	}
	policy, err := gcpolicy.Parse(o.gc)
	if err != nil {
		return fmt.Errorf("--gc-memory-limit: %w", err)
	}
	restoreGC, gcDesc := gcpolicy.Apply(policy)
	defer restoreGC()
	ctrl.SetLogger(zap.New(zap.UseDevMode(o.verbose), zap.Level(logLevel(o.verbose))))
	start := time.Now()
	fmt.Fprintf(os.Stderr, "knsim: starting kube-apiserver, etcd, controllers and webhooks (GC: %s)...\n", gcDesc)
	emitter := &eventingshell.Emitter{} // PingSource and ApiServerSource events, sent once the Eventing shell runs
	w, err := world.Start(ctx, world.Config{Cluster: cluster.Config{Nodes: o.nodes, PodStartup: o.podStartup}, Emitter: emitter, StateDir: stateDir})
	if err != nil {
		return err
	}
	kc, err := w.ControlPlane.AdminKubeconfig()
	if err == nil {
		err = writeKubeconfig(o.kubeconfig, kc)
	}
	if err != nil {
		return errors.Join(fmt.Errorf("writing kubeconfig: %w", err), w.Stop())
	}
	ms, err := o.metrics.start(ctx, w.Autoscaler, w.ControllerClient)
	if err != nil {
		return errors.Join(err, w.Stop())
	}
	st := o.serviceTime
	shellCfg := shell.Config{
		// The shells read as the controllers' ServiceAccount, not as admin.
		Client: w.ControllerClient, Metrics: w.Autoscaler, Emitter: emitter,
		Serving: servingshell.Config{
			GatewayPort:         o.gatewayPort,
			DefaultWorkload:     container.Workload{ServiceTime: func(*rand.Rand) time.Duration { return st }, CPUPerRequestMilli: o.cpuMilli},
			OnError:             func(err error) { ctrl.Log.WithName("serving").Error(err, "syncing the Serving shell") },
			MaxRequestBodyBytes: requestBody,
			Activator:           activator.Bounds{MaxWaiting: o.activatorMaxWaiting},
		},
		Eventing: eventingshell.Config{
			BrokerAddr:   net.JoinHostPort("127.0.0.1", strconv.Itoa(o.brokerPort)),
			OnError:      func(err error) { ctrl.Log.WithName("eventing").Error(err, "syncing the Eventing shell") },
			JetStream:    jetstream.Config{StoreDir: jsStore},
			MaxBodyBytes: eventBody,
			Broker:       broker.Bounds{MaxPendingEvents: o.brokerMaxPending},
			// A kept control plane lists every Subscription there is, so
			// consumers no Subscription claims can go; a new one has not
			// seen the manifests again yet.
			PruneConsumers: stateDir != "",
		},
		// A busy default port falls back to a free one; a port the user
		// chose must be free.
		FreePortFallback: !o.portSet,
		OnFallback: func(port int) {
			fmt.Fprintf(os.Stderr, "knsim: port %d is busy, the gateway takes a free one\n", port)
		},
	}
	ms.hook(&shellCfg)
	shells, err := shell.Start(ctx, shellCfg)
	if err != nil {
		return errors.Join(err, ms.close(), w.Stop())
	}
	plane, events := shells.Serving, shells.Eventing
	natsLine := "durable channels on NATS JetStream at " + events.Durable().ServerURL()
	if tok := events.Durable().ServerToken(); tok != "" && o.natsTokenFile != "" {
		if err := writeKubeconfig(o.natsTokenFile, []byte(tok)); err != nil {
			return errors.Join(fmt.Errorf("writing the NATS token: %w", err), shells.Close(), w.Stop())
		}
		tf, _ := filepath.Abs(o.natsTokenFile)
		natsLine += " (token in " + tf + ")"
	}
	debugLine := ""
	if o.debugAddr != "" {
		stopDebug, addr, err := serveDebug(o.debugAddr)
		if err != nil {
			return errors.Join(err, shells.Close(), w.Stop())
		}
		defer stopDebug()
		debugLine = "Debug: Go's pprof on http://" + addr + "/debug/pprof/ (goroutines: /debug/pprof/goroutine?debug=1)\n"
	}
	abs, _ := filepath.Abs(o.kubeconfig)
	gw := plane.Addr()
	fmt.Printf(`knsim is up (%.1fs): Knative Serving on kube-apiserver %s
and its data plane's gateway on http://%s
Eventing: broker ingress on %s/<namespace>/<broker>, channels on %s
(%s, store %s)
%s%s%s
  export KUBECONFIG=%s
  kubectl apply -f helloworld-go.yaml
  kubectl get ksvc,rev,rt,kpa,sks
  kubectl get pods -o wide
  curl -H "Host: helloworld-go.default.example.com" http://%s
  hey -z 30s -c 50 -host helloworld-go.default.example.com http://%s

The KPA aims at 70 requests in flight per pod by default, so -c 50 keeps one
pod: use -c 200, or annotate the template with autoscaling.knative.dev/target,
to watch it scale out.

Controllers, webhook and shells run as the ServiceAccount knative-serving/knsim-controller
(ClusterRole knsim-controller, system/config/rbac); the kubeconfig is cluster admin (mode 0600).
%s
Press Ctrl-C to stop.
`, time.Since(start).Seconds(), w.ControlPlane.Config.Host, gw, events.BrokerURL(), events.ChannelURL(), natsLine, events.Durable().StoreDir(), stateLine(stateDir), debugLine, ms.bannerLine(), abs, gw, gw,
		memoryLine(policy, strings.HasSuffix(gcDesc, "(from the environment)")))
	<-ctx.Done()
	fmt.Fprintln(os.Stderr, "\nknsim: stopping...")
	if err := errors.Join(shells.Close(), ms.close(), w.Stop()); err != nil {
		return err
	}
	fmt.Fprintln(os.Stderr, "knsim: stopped")
	return nil
}

// memoryLine tells in the banner what the GC setting does to the
// process's memory: with a memory limit the collector waits for the heap to
// near it, so under load the resident size climbs to about the limit within
// seconds and stays there (Go returns little of it while idle).
func memoryLine(p gcpolicy.Policy, fromEnv bool) string {
	switch {
	case fromEnv:
		return "Memory: the GC follows GOGC/GOMEMLIMIT from the environment\n"
	case p.MemoryLimit > 0:
		return fmt.Sprintf("Memory: GOGC=off below %s, so under load the resident size climbs to about %s and stays there;\n"+
			"  --gc-memory-limit 256Mi caps it lower, --gc-memory-limit default (GOGC=100) keeps it small and returns memory when idle\n", p, p)
	}
	return "Memory: GOGC=100 (Go's default): the heap stays small and Go returns memory when idle\n"
}

// stateLine tells in the banner what a restart keeps.
func stateLine(stateDir string) string {
	if stateDir == "" {
		return "State: the control plane is new at each start (keep it with --state-dir DIR)\n"
	}
	return "State: kept in " + stateDir + " (etcd and JetStream; a restart on it resumes everything)\n"
}

// logLevel keeps the terminal quiet unless asked: errors only, or every
// reconcile (controller-runtime's V(1)) with --verbose.
func logLevel(verbose bool) zapcore.Level {
	if verbose {
		return zapcore.DebugLevel
	}
	return zapcore.ErrorLevel
}

// writeKubeconfig writes the admin kubeconfig, which holds a client key, or
// another secret (the NATS token), readable and writable by its owner
// only (0600). It writes a temporary file
// of mode 0600 beside path and renames it over path, so a file already there
// is replaced whatever its mode, and a reader never sees half a kubeconfig.
func writeKubeconfig(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Chmod(0o600) // CreateTemp makes 0600 already; say so whatever the platform
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		return errors.Join(err, os.Remove(tmp))
	}
	return nil
}

// checkDebugAddr accepts "" (off) or host:port with a loopback host: pprof
// shows the process's memory and must not leave the machine.
func checkDebugAddr(addr string) error {
	if addr == "" {
		return nil
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--debug-addr %q: want host:port, e.g. 127.0.0.1:6060: %w", addr, err)
	}
	if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
		return fmt.Errorf("--debug-addr %q: port must be in 0..65535", addr)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("--debug-addr %q: the host must be a loopback address (127.0.0.1, ::1 or localhost)", addr)
	}
	return nil
}

// serveDebug serves net/http/pprof on addr until the returned stop; it
// returns the bound address (a port 0 picks a free one).
func serveDebug(addr string) (stop func(), bound string, err error) {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index) // also serves goroutine, heap, allocs, ...
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	srv, err := httpserve.New(mux, httpserve.Limits{})
	if err != nil {
		return nil, "", err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, "", fmt.Errorf("--debug-addr: %w", err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(ln) // ends with Close
	}()
	return func() {
		_ = srv.Close()
		<-done
	}, ln.Addr().String(), nil
}
