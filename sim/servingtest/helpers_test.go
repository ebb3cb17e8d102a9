package servingtest_test

import (
	"context"
	"path/filepath"
	"strings"

	. "github.com/onsi/gomega"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/knsim/knsim/sim/manifest"
	servingv1 "github.com/knsim/knsim/system/apis/serving/v1"
)

// apply applies a testdata manifest unchanged, as kubectl apply would.
func apply(ctx context.Context, file string) error {
	objs, err := manifest.DecodeFile(filepath.Join("testdata", file))
	Expect(err).NotTo(HaveOccurred())
	return manifest.Apply(ctx, c, "default", objs...)
}

// applyYAML applies inline YAML.
func applyYAML(ctx context.Context, y string) error {
	objs, err := manifest.Decode("inline", strings.NewReader(y))
	Expect(err).NotTo(HaveOccurred())
	return manifest.Apply(ctx, c, "default", objs...)
}

func getService(ctx context.Context, ns, name string) func(Gomega) *servingv1.Service {
	return func(g Gomega) *servingv1.Service {
		s := &servingv1.Service{}
		g.Expect(c.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, s)).To(Succeed())
		return s
	}
}

// readyService waits until the Service is Ready for its latest generation.
func readyService(ctx context.Context, ns, name string) *servingv1.Service {
	var svc *servingv1.Service
	Eventually(func(g Gomega) {
		svc = getService(ctx, ns, name)(g)
		g.Expect(svc.Status.ObservedGeneration).To(Equal(svc.Generation))
		g.Expect(svc.Status.IsReady()).To(BeTrue(), "conditions: %+v", svc.Status.Conditions)
	}).WithContext(ctx).Should(Succeed())
	return svc
}
