package runner

import (
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/knsim/knsim/sim/cluster"
)

// deletePod's count takes a Service's oldest pods, as docs/scenarios.md
// says: by the emulation's created-at instant, then creationTimestamp,
// then name (pod names end in a hash, so their order says nothing).
func TestOlderFirst(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	pod := func(name string, createdAt time.Duration, stamp time.Duration) corev1.Pod {
		p := corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, CreationTimestamp: metav1.NewTime(t0.Add(stamp))}}
		if createdAt >= 0 {
			p.Annotations = map[string]string{cluster.CreatedAtAnnotation: t0.Add(createdAt).Format(time.RFC3339Nano)}
		}
		return p
	}
	for _, tc := range []struct {
		name string
		pods []corev1.Pod
		want []string
	}{
		{"by the created-at instant, not the name", []corev1.Pod{
			pod("web-zzzzz", 1*time.Second, 1*time.Second), pod("web-aaaaa", 3*time.Second, 3*time.Second), pod("web-mmmmm", 2*time.Second, 2*time.Second)},
			[]string{"web-zzzzz", "web-mmmmm", "web-aaaaa"}},
		{"sub-second instants within one creationTimestamp second", []corev1.Pod{
			pod("web-b", 1500*time.Millisecond, time.Second), pod("web-a", 1700*time.Millisecond, time.Second)},
			[]string{"web-b", "web-a"}},
		{"without the annotation, by creationTimestamp", []corev1.Pod{
			pod("web-b", -1, 2*time.Second), pod("web-a", -1, 5*time.Second)},
			[]string{"web-b", "web-a"}},
		{"ties by name", []corev1.Pod{pod("web-b", time.Second, time.Second), pod("web-a", time.Second, time.Second)},
			[]string{"web-a", "web-b"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pods := slices.Clone(tc.pods)
			slices.SortFunc(pods, olderFirst)
			var got []string
			for _, p := range pods {
				got = append(got, p.Name)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("order (-want +got):\n%s", diff)
			}
		})
	}
}
