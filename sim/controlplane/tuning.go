package controlplane

import (
	"os"
	"strings"

	"sigs.k8s.io/controller-runtime/pkg/envtest"
)

// apiserverGOGC is kube-apiserver's GOGC unless knsim's environment sets
// one: every write allocates its decoded, converted and encoded copies,
// and at Go's default of 100 the collector's background marking alone was
// 12 % of its CPU profile. At 400 it used about 10 % less CPU for 100
// Services applied at once (12 % with the feature gates below), for a
// peak RSS of about 990 MiB instead of 490 MiB (docs/performance.md).
const apiserverGOGC = "400"

// apiserverFeatureGates turn off kube-apiserver's watch-cache machinery
// that knsim's load does not need: snapshots of the watch cache kept at
// every resourceVersion for lists at an older one (knsim's clients list
// at the newest or at any), the periodic comparison of the cache with
// etcd, and decoding watch events on several goroutines (more scheduling
// than work on two cores). The API and its semantics are unchanged; lists at an older
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
