package revision

import (
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	servingv1 "github.com/knsim/knsim/system/apis/serving/v1"
)

func TestSpecMemoHoldsOnlyForTheSameInputs(t *testing.T) {
	base := specInputs{revUID: "r", revGeneration: 1, labels: map[string]string{"a": "1"},
		annotations: map[string]string{"b": "2"}, depUID: "d", depGeneration: 3}
	for _, tc := range []struct {
		name   string
		change func(*specInputs)
		want   bool
	}{
		{"same inputs", func(*specInputs) {}, true},
		{"revision spec changed", func(in *specInputs) { in.revGeneration = 2 }, false},
		{"revision recreated", func(in *specInputs) { in.revUID = "r2" }, false},
		{"label changed", func(in *specInputs) { in.labels = map[string]string{"a": "2"} }, false},
		{"annotation added", func(in *specInputs) { in.annotations = map[string]string{"b": "2", "c": "3"} }, false},
		{"deployment spec changed", func(in *specInputs) { in.depGeneration = 4 }, false},
		{"deployment recreated", func(in *specInputs) { in.depUID = "d2" }, false},
		{"objects without a generation", func(in *specInputs) { in.depGeneration = 0 }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var m specMemo
			k := metav1.ObjectMeta{Namespace: "ns", Name: "web-deployment"}
			m.record(typesKey(k), base)
			in := base
			in.labels, in.annotations = map[string]string{"a": "1"}, map[string]string{"b": "2"}
			tc.change(&in)
			if got := m.holds(typesKey(k), in); got != tc.want {
				t.Errorf("holds = %v, want %v", got, tc.want)
			}
		})
	}
}

// The memo never hides a change: a Deployment whose spec was edited (a new
// generation) is compared again and put back.
func TestMutateDeploymentForSeesSpecEdits(t *testing.T) {
	rev := &servingv1.Revision{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "web-00001", UID: "r", Generation: 1}}
	want := func() *appsv1.Deployment {
		d := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "web-00001-deployment"}}
		d.Spec.Template.Spec.Containers = []corev1.Container{{Name: "user-container", Image: "app:1"}}
		return d
	}
	have := want()
	have.UID, have.Generation = "d", 1
	var m specMemo
	mutate := m.mutateDeploymentFor(rev)
	steps := []struct {
		name       string
		edit       func(*appsv1.Deployment)
		wantUpdate bool
	}{
		{"in sync", func(*appsv1.Deployment) {}, false},
		{"in sync again (remembered)", func(*appsv1.Deployment) {}, false},
		{"image edited by hand", func(d *appsv1.Deployment) {
			d.Generation = 2
			d.Spec.Template.Spec.Containers[0].Image = "app:edited"
		}, true},
		{"put back", func(d *appsv1.Deployment) { d.Generation = 3 }, false},
	}
	for _, s := range steps {
		s.edit(have)
		if got := mutate(have, want()); got != s.wantUpdate {
			t.Errorf("%s: mutate = %v, want %v", s.name, got, s.wantUpdate)
		}
		if img := have.Spec.Template.Spec.Containers[0].Image; img != "app:1" {
			t.Errorf("%s: the Deployment holds image %q after mutate, want app:1", s.name, img)
		}
	}
}

func typesKey(m metav1.ObjectMeta) types.NamespacedName {
	return types.NamespacedName{Namespace: m.Namespace, Name: m.Name}
}
