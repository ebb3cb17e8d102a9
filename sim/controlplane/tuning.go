package controlplane

import (
	"os"
	"strings"

	"sigs.k8s.io/controller-runtime/pkg/envtest"
)

// apiserverGOGC is kube-apiserver's GOGC unless knsim's environment sets
// one: its heap stays small (100 to 200 MiB) while every write allocates
// its decoded, converted and encoded copies, so at Go's default of 100 its
// collector took about a fifth of its CPU. At 400 it used 8 to 12 % less
// CPU for 100 Services applied at once (docs/performance.md).
const apiserverGOGC = "400"

// apiserverFeatureGates turn off kube-apiserver's watch-cache machinery
// that no knsim client uses: snapshots of the watch cache kept at every
// resourceVersion for lists at an older one (knsim's informers list at the
// newest), the periodic comparison of the cache with etcd, and decoding
// watch events on several goroutines (more scheduling than work on two
// cores). The API and its semantics are unchanged; lists at an older
// resourceVersion are served from etcd, as without the cache.
var apiserverFeatureGates = []string{
	"ConcurrentWatchObjectDecode=false",
	"DetectCacheInconsistency=false",
	"ListFromCacheSnapshot=false",
}

// apiserverEnv is the environment settings kube-apiserver's launcher adds.
func apiserverEnv() []string {
	if _, ok := os.LookupEnv("GOGC"); ok {
		return nil
	}
	return []string{"GOGC=" + apiserverGOGC}
}

// configureAPIServer adds knsim's flags to envtest's for kube-apiserver.
func configureAPIServer(api *envtest.APIServer) {
	api.Configure().Set("feature-gates", strings.Join(apiserverFeatureGates, ","))
}
