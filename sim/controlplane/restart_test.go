package controlplane

import (
	"context"
	"testing"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/knsim/knsim/system/stack"
)

// TestRestartAPIServer stops kube-apiserver and starts it again on the
// same etcd: requests fail while it is down; afterwards the same clients
// (administrator and the controllers' ServiceAccount) work again, every
// object is there with its UID, and an informer started before the
// restart sees a change made after it, as controllers do against a real
// apiserver that restarted.
func TestRestartAPIServer(t *testing.T) {
	needAssets(t)
	t.Setenv("TMPDIR", t.TempDir())
	g := NewWithT(t)
	cp := start(t, Options{})
	defer func() { g.Expect(cp.Stop()).To(Succeed()) }()
	// The informer stops first: kube-apiserver's graceful stop waits for
	// open watches.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	admin, err := client.New(cp.Config, client.Options{Scheme: stack.Scheme()})
	g.Expect(err).NotTo(HaveOccurred())
	ctl, err := client.New(cp.ControllerConfig, client.Options{Scheme: stack.Scheme()})
	g.Expect(err).NotTo(HaveOccurred())
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "kept"}, Data: map[string]string{"v": "before"}}
	g.Expect(admin.Create(ctx, cm)).To(Succeed())

	informer, err := cache.New(cp.Config, cache.Options{Scheme: stack.Scheme()})
	g.Expect(err).NotTo(HaveOccurred())
	seen := func() string {
		var got corev1.ConfigMap
		if err := informer.Get(ctx, client.ObjectKeyFromObject(cm), &got); err != nil {
			return "error: " + err.Error()
		}
		return got.Data["v"]
	}
	go func() { _ = informer.Start(ctx) }()
	g.Expect(informer.WaitForCacheSync(ctx)).To(BeTrue())
	g.Eventually(seen, waitFor, pollFor).Should(Equal("before"))

	g.Expect(cp.APIServerDown()).To(BeFalse())
	g.Expect(cp.StopAPIServer()).To(Succeed())
	g.Expect(cp.APIServerDown()).To(BeTrue())
	g.Expect(cp.StopAPIServer()).To(MatchError(ContainSubstring("already stopped")))
	g.Expect(admin.Get(ctx, client.ObjectKeyFromObject(cm), &corev1.ConfigMap{})).NotTo(Succeed(), "requests fail while kube-apiserver is down")

	g.Expect(cp.StartAPIServer()).To(Succeed())
	g.Expect(cp.APIServerDown()).To(BeFalse())
	g.Expect(cp.StartAPIServer()).To(MatchError(ContainSubstring("already running")))
	var after corev1.ConfigMap
	g.Expect(ctl.Get(ctx, client.ObjectKeyFromObject(cm), &after)).To(Succeed(), "the controllers' ServiceAccount is still known")
	g.Expect(after.UID).To(Equal(cm.UID), "the object survives in etcd")
	after.Data["v"] = "after"
	g.Expect(admin.Update(ctx, &after)).To(Succeed())
	g.Eventually(seen, waitFor, pollFor).Should(Equal("after"), "the informer resumed its watch")
}
