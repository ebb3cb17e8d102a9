package memory

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	corev1ac "k8s.io/client-go/applyconfigurations/core/v1"
	clocktesting "k8s.io/utils/clock/testing"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	servingv1 "github.com/knsim/knsim/system/apis/serving/v1"
	"github.com/knsim/knsim/system/stack"
)

// storeNow is the fake clock's time in the store tests: it has
// nanoseconds, which a stored timestamp loses.
var storeNow = time.Date(2026, 3, 1, 12, 0, 30, 123456789, time.UTC)

// The kinds the store tests use.
var (
	cmGVK     = corev1.SchemeGroupVersion.WithKind("ConfigMap")
	podGVK    = corev1.SchemeGroupVersion.WithKind("Pod")
	deployGVK = appsv1.SchemeGroupVersion.WithKind("Deployment")
)

// newTestStore returns an empty store whose clock is a fake clock at
// storeNow. Pods, Deployments and the stack's reconciled kinds have a
// status subresource, as on the memory plane; ConfigMaps have none.
func newTestStore(t *testing.T) (*store, *clocktesting.FakeClock) {
	t.Helper()
	clk := clocktesting.NewFakeClock(storeNow)
	s, err := newStore(stack.Scheme(), clk, append([]client.Object{&corev1.Pod{}, &appsv1.Deployment{}}, stack.Kinds()...)...)
	if err != nil {
		t.Fatal(err)
	}
	return s, clk
}

// seed creates objs (copies, so tables can share them).
func seed(t *testing.T, s *store, objs ...client.Object) {
	t.Helper()
	for _, o := range objs {
		if err := s.Create(context.Background(), o.DeepCopyObject().(client.Object)); err != nil {
			t.Fatalf("creating %s: %v", o.GetName(), err)
		}
	}
}

func configMap(ns, name string, lbls map[string]string, data map[string]string) *corev1.ConfigMap {
	return &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, Labels: lbls}, Data: data}
}

func testPod(ns, name string, lbls map[string]string) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, Labels: lbls},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "app:1"}}},
	}
}

func testDeployment(name string, replicas, ready int32) *appsv1.Deployment {
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: name, Labels: map[string]string{"app": name}},
		Spec:       appsv1.DeploymentSpec{Replicas: ptr.To(replicas)},
		Status:     appsv1.DeploymentStatus{ReadyReplicas: ready},
	}
}

// withRV returns o with resourceVersion rv (a copy).
func withRV[T client.Object](o T, rv string) T {
	c := o.DeepCopyObject().(T)
	c.SetResourceVersion(rv)
	return c
}

// withGen returns a copy of o with metadata.generation g: an update or
// patch that changes the spec moves it, as an apiserver does.
func withGen[T client.Object](o T, g int64) T {
	c := o.DeepCopyObject().(T)
	c.SetGeneration(g)
	return c
}

// stored reads the object named like o from s into a new object of o's
// type, or returns nil when it is not found.
func stored(t *testing.T, s *store, o client.Object) client.Object {
	t.Helper()
	got := reflect.New(reflect.TypeOf(o).Elem()).Interface().(client.Object)
	err := s.Get(context.Background(), client.ObjectKeyFromObject(o), got)
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		t.Fatalf("reading %s back: %v", o.GetName(), err)
	}
	return got
}

// isAPIStatus reports whether err carries an API status, which a caller
// takes for the store's refusal rather than for "not served".
func isAPIStatus(err error) bool {
	var status apierrors.APIStatus
	return errors.As(err, &status)
}

// errKind names what kind of error a case expects ("" for none).
type errKind string

func checkErr(t *testing.T, want errKind, err error) {
	t.Helper()
	is := map[errKind]func(error) bool{
		"":                   func(err error) bool { return err == nil },
		"BadRequest":         apierrors.IsBadRequest,
		"Invalid":            apierrors.IsInvalid,
		"AlreadyExists":      apierrors.IsAlreadyExists,
		"NotFound":           apierrors.IsNotFound,
		"Conflict":           apierrors.IsConflict,
		"MethodNotSupported": apierrors.IsMethodNotSupported,
		"Unserved": func(err error) bool {
			return errors.Is(err, errUnserved) && !isAPIStatus(err)
		},
		"any": func(err error) bool { return err != nil },
	}[want]
	if !is(err) {
		if want == "" {
			want = "none"
		}
		t.Fatalf("error = %v, want %s", err, want)
	}
}

func TestStoreCreate(t *testing.T) {
	cases := []struct {
		name     string
		existing []client.Object
		create   client.Object
		wantErr  errKind
		// want is what the store holds under create's key afterwards (nil:
		// nothing).
		want client.Object
	}{{
		name:   "sets resourceVersion 1",
		create: configMap("default", "a", map[string]string{"k": "v"}, map[string]string{"x": "1"}),
		want:   withRV(configMap("default", "a", map[string]string{"k": "v"}, map[string]string{"x": "1"}), "1"),
	}, {
		name:    "refuses a set resourceVersion",
		create:  withRV(configMap("default", "a", nil, nil), "7"),
		wantErr: "BadRequest",
	}, {
		name:    "refuses an empty name",
		create:  configMap("default", "", nil, nil),
		wantErr: "Invalid",
	}, {
		name:     "refuses a duplicate",
		existing: []client.Object{configMap("default", "a", nil, map[string]string{"x": "old"})},
		create:   configMap("default", "a", nil, map[string]string{"x": "new"}),
		wantErr:  "AlreadyExists",
		want:     withRV(configMap("default", "a", nil, map[string]string{"x": "old"}), "1"),
	}, {
		name:     "same name in another namespace",
		existing: []client.Object{configMap("default", "a", nil, nil)},
		create:   configMap("other", "a", nil, nil),
		want:     withRV(configMap("other", "a", nil, nil), "1"),
	}, {
		name: "ignores a deletionTimestamp",
		create: func() client.Object {
			c := configMap("default", "a", nil, nil)
			c.Finalizers = []string{"knsim.dev/test"}
			c.DeletionTimestamp = &metav1.Time{Time: storeNow.Truncate(time.Second)}
			return c
		}(),
		want: func() client.Object {
			c := withRV(configMap("default", "a", nil, nil), "1")
			c.Finalizers = []string{"knsim.dev/test"}
			return c
		}(),
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := newTestStore(t)
			seed(t, s, tc.existing...)
			obj := tc.create.DeepCopyObject().(client.Object)
			err := s.Create(context.Background(), obj)
			checkErr(t, tc.wantErr, err)
			if tc.wantErr == "" {
				// The caller's object holds what was stored.
				if diff := cmp.Diff(tc.want, obj); diff != "" {
					t.Errorf("caller's object (-want +got):\n%s", diff)
				}
			}
			got := stored(t, s, tc.create)
			if tc.want == nil {
				if got != nil {
					t.Fatalf("stored %v, want nothing", got)
				}
				return
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("stored (-want +got):\n%s", diff)
			}
		})
	}
}

// generateName gives names that depend only on the store's history, so a
// run is reproducible.
func TestStoreGenerateName(t *testing.T) {
	names := func() []string {
		s, _ := newTestStore(t)
		var out []string
		for _, prefix := range []string{"web-", "web-", "api-"} {
			c := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "default", GenerateName: prefix}}
			if err := s.Create(context.Background(), c); err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(c.Name, prefix) || len(c.Name) != len(prefix)+5 {
				t.Errorf("generated name %q, want %q and 5 characters", c.Name, prefix)
			}
			if stored(t, s, c) == nil {
				t.Errorf("%s not stored", c.Name)
			}
			out = append(out, c.Name)
		}
		return out
	}
	first, second := names(), names()
	if diff := cmp.Diff(first, second); diff != "" {
		t.Errorf("names differ between two stores (-first +second):\n%s", diff)
	}
	if first[0] == first[1] {
		t.Errorf("two creates named %q", first[0])
	}
}

// A client leaves the caller's object alone when a write fails (it decodes
// only a successful answer), so retrying a generateName create picks a new
// name. The store names the caller's object before it knows whether the
// create succeeds.
func TestStoreFailedCreateLeavesCallerObject(t *testing.T) {
	cases := []struct {
		name     string
		existing []client.Object
		create   client.Object
		wantErr  errKind
	}{{
		name:    "refused resourceVersion",
		create:  withRV(&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "default", GenerateName: "web-"}}, "3"),
		wantErr: "BadRequest",
	}, {
		name:     "generated name taken",
		existing: []client.Object{configMap("default", "web-00001", nil, nil)},
		create:   &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "default", GenerateName: "web-"}},
		wantErr:  "AlreadyExists",
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := newTestStore(t)
			seed(t, s, tc.existing...)
			obj := tc.create.DeepCopyObject().(client.Object)
			checkErr(t, tc.wantErr, s.Create(context.Background(), obj))
			if diff := cmp.Diff(tc.create, obj); diff != "" {
				t.Errorf("caller's object after a failed create (-want +got):\n%s", diff)
			}
		})
	}
}

func TestStoreGet(t *testing.T) {
	s, _ := newTestStore(t)
	seed(t, s, configMap("default", "a", map[string]string{"k": "v"}, map[string]string{"x": "1"}))
	ctx := context.Background()
	key := types.NamespacedName{Namespace: "default", Name: "a"}

	t.Run("deep copy", func(t *testing.T) {
		got := &corev1.ConfigMap{}
		if err := s.Get(ctx, key, got); err != nil {
			t.Fatal(err)
		}
		got.Labels["k"] = "changed"
		got.Data["x"] = "changed"
		got.Finalizers = append(got.Finalizers, "f")
		want := withRV(configMap("default", "a", map[string]string{"k": "v"}, map[string]string{"x": "1"}), "1")
		if diff := cmp.Diff(want, stored(t, s, want)); diff != "" {
			t.Errorf("store after changing a read (-want +got):\n%s", diff)
		}
	})

	t.Run("unstructured", func(t *testing.T) {
		u := &unstructured.Unstructured{}
		u.SetGroupVersionKind(cmGVK)
		if err := s.Get(ctx, key, u); err != nil {
			t.Fatal(err)
		}
		want := map[string]any{
			"apiVersion": "v1",
			"kind":       "ConfigMap",
			"metadata": map[string]any{
				"namespace": "default", "name": "a", "resourceVersion": "1",
				"labels": map[string]any{"k": "v"},
			},
			"data": map[string]any{"x": "1"},
		}
		if diff := cmp.Diff(want, u.Object); diff != "" {
			t.Errorf("unstructured (-want +got):\n%s", diff)
		}
	})

	t.Run("partial object metadata", func(t *testing.T) {
		p := &metav1.PartialObjectMetadata{}
		p.SetGroupVersionKind(cmGVK)
		if err := s.Get(ctx, key, p); err != nil {
			t.Fatal(err)
		}
		want := &metav1.PartialObjectMetadata{
			TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
			ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "a", ResourceVersion: "1", Labels: map[string]string{"k": "v"}},
		}
		if diff := cmp.Diff(want, p); diff != "" {
			t.Errorf("metadata (-want +got):\n%s", diff)
		}
	})

	// The apiserver's message names the resource and its group.
	notFound := []struct {
		name    string
		obj     client.Object
		wantMsg string
	}{
		{"core kind", &corev1.ConfigMap{}, `configmaps "missing" not found`},
		{"pod", &corev1.Pod{}, `pods "missing" not found`},
		{"apps kind", &appsv1.Deployment{}, `deployments.apps "missing" not found`},
		{"knative kind", &servingv1.Revision{}, `revisions.serving.knative.dev "missing" not found`},
	}
	for _, tc := range notFound {
		t.Run("not found/"+tc.name, func(t *testing.T) {
			err := s.Get(ctx, types.NamespacedName{Namespace: "other", Name: "missing"}, tc.obj)
			checkErr(t, "NotFound", err)
			if diff := cmp.Diff(tc.wantMsg, err.Error()); diff != "" {
				t.Errorf("message (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("not found/existing name in another namespace", func(t *testing.T) {
		checkErr(t, "NotFound", s.Get(ctx, types.NamespacedName{Namespace: "other", Name: "a"}, &corev1.ConfigMap{}))
	})
}

// The store keeps an object as its JSON encoding decodes, as an apiserver
// returns it.
func TestStoreNormalizesAsJSON(t *testing.T) {
	withNanos := metav1.NewTime(storeNow)
	whole := metav1.NewTime(storeNow.Truncate(time.Second))
	cases := []struct {
		name   string
		create client.Object
		want   client.Object
	}{{
		name: "timestamps keep whole seconds",
		create: func() client.Object {
			p := testPod("default", "p", nil)
			p.Status.StartTime = &withNanos
			p.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue, LastTransitionTime: withNanos}}
			return p
		}(),
		want: func() client.Object {
			p := withRV(testPod("default", "p", nil), "1")
			p.Status.StartTime = &whole
			p.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue, LastTransitionTime: whole}}
			return p
		}(),
	}, {
		name: "empty slice with omitempty becomes nil",
		create: func() client.Object {
			c := configMap("default", "c", nil, nil)
			c.Finalizers = []string{}
			return c
		}(),
		want: withRV(configMap("default", "c", nil, nil), "1"),
	}, {
		name:   "empty map with omitempty becomes nil",
		create: configMap("default", "c", map[string]string{}, map[string]string{}),
		want:   withRV(configMap("default", "c", nil, nil), "1"),
	}, {
		name: "empty slice without omitempty stays empty",
		create: func() client.Object {
			p := testPod("default", "p", nil)
			p.Spec.Containers = []corev1.Container{}
			return p
		}(),
		want: func() client.Object {
			p := withRV(testPod("default", "p", nil), "1")
			p.Spec.Containers = []corev1.Container{}
			return p
		}(),
	}, {
		name: "type meta and managed fields are dropped",
		create: func() client.Object {
			c := configMap("default", "c", nil, nil)
			c.TypeMeta = metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"}
			c.ManagedFields = []metav1.ManagedFieldsEntry{{Manager: "test", Operation: metav1.ManagedFieldsOperationUpdate}}
			return c
		}(),
		want: withRV(configMap("default", "c", nil, nil), "1"),
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := newTestStore(t)
			obj := tc.create.DeepCopyObject().(client.Object)
			if err := s.Create(context.Background(), obj); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, stored(t, s, tc.create)); diff != "" {
				t.Errorf("stored (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.want, obj); diff != "" {
				t.Errorf("caller's object (-want +got):\n%s", diff)
			}
		})
	}
}

// listKeys returns the namespace/name of each item of a ConfigMap list.
func listKeys(l *corev1.ConfigMapList) []string {
	var out []string
	for _, c := range l.Items {
		out = append(out, c.Namespace+"/"+c.Name)
	}
	return out
}

func TestStoreList(t *testing.T) {
	ctx := context.Background()
	s, _ := newTestStore(t)
	// Created out of order, across namespaces.
	seed(t, s,
		configMap("b", "m", map[string]string{"app": "web", "tier": "front"}, nil),
		configMap("a", "z", map[string]string{"app": "web"}, nil),
		configMap("a", "b", map[string]string{"app": "api"}, nil),
		configMap("c", "a", nil, nil),
		configMap("a", "m", map[string]string{"app": "web", "tier": "back"}, nil),
		configMap("b", "a", map[string]string{"app": "api"}, nil),
	)
	// Deleting and recreating keeps the order.
	if err := s.Delete(ctx, configMap("a", "m", nil, nil)); err != nil {
		t.Fatal(err)
	}
	seed(t, s, configMap("a", "m", map[string]string{"app": "web", "tier": "back"}, nil))

	cases := []struct {
		name    string
		opts    []client.ListOption
		want    []string
		wantErr errKind
	}{{
		name: "sorted by namespace then name",
		want: []string{"a/b", "a/m", "a/z", "b/a", "b/m", "c/a"},
	}, {
		name: "in a namespace",
		opts: []client.ListOption{client.InNamespace("b")},
		want: []string{"b/a", "b/m"},
	}, {
		name: "in an empty namespace",
		opts: []client.ListOption{client.InNamespace("nothing-here")},
	}, {
		name: "label selector",
		opts: []client.ListOption{client.MatchingLabels{"app": "web"}},
		want: []string{"a/m", "a/z", "b/m"},
	}, {
		name: "label selector in a namespace",
		opts: []client.ListOption{client.InNamespace("a"), client.MatchingLabels{"app": "web"}},
		want: []string{"a/m", "a/z"},
	}, {
		name: "set-based selector",
		opts: []client.ListOption{client.MatchingLabelsSelector{Selector: mustSelector(t, "app in (web,api),tier!=back")}},
		want: []string{"a/b", "a/z", "b/a", "b/m"},
	}, {
		name: "selector on a missing label",
		opts: []client.ListOption{client.MatchingLabelsSelector{Selector: mustSelector(t, "!app")}},
		want: []string{"c/a"},
	}, {
		name:    "field selector refused",
		opts:    []client.ListOption{client.MatchingFieldsSelector{Selector: fields.OneTermEqualSelector("metadata.name", "a")}},
		wantErr: "BadRequest",
	}, {
		name: "without deep copy",
		opts: []client.ListOption{client.UnsafeDisableDeepCopy},
		want: []string{"a/b", "a/m", "a/z", "b/a", "b/m", "c/a"},
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var l corev1.ConfigMapList
			err := s.List(ctx, &l, tc.opts...)
			checkErr(t, tc.wantErr, err)
			if diff := cmp.Diff(tc.want, listKeys(&l)); diff != "" {
				t.Errorf("items (-want +got):\n%s", diff)
			}
		})
	}

	ks := s.kinds[cmGVK]
	t.Run("items are copies", func(t *testing.T) {
		var l corev1.ConfigMapList
		if err := s.List(ctx, &l, client.InNamespace("a")); err != nil {
			t.Fatal(err)
		}
		for i := range l.Items {
			it := &l.Items[i]
			if it.Labels != nil && reflect.ValueOf(it.Labels).UnsafePointer() == reflect.ValueOf(ks.objs[client.ObjectKeyFromObject(it)].GetLabels()).UnsafePointer() {
				t.Errorf("%s shares its labels with the store", it.Name)
			}
			if it.Labels != nil {
				it.Labels["app"] = "changed"
			}
		}
		var again corev1.ConfigMapList
		if err := s.List(ctx, &again, client.InNamespace("a"), client.MatchingLabels{"app": "changed"}); err != nil {
			t.Fatal(err)
		}
		if len(again.Items) != 0 {
			t.Errorf("changing listed items changed the store: %v", listKeys(&again))
		}
	})

	t.Run("UnsafeDisableDeepCopy hands out the stored objects", func(t *testing.T) {
		var shallow, deep corev1.ConfigMapList
		if err := s.List(ctx, &shallow, client.UnsafeDisableDeepCopy); err != nil {
			t.Fatal(err)
		}
		if err := s.List(ctx, &deep); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(deep, shallow); diff != "" {
			t.Errorf("items differ from a deep-copied list (-deep +shallow):\n%s", diff)
		}
		for _, it := range shallow.Items {
			if it.Labels == nil {
				continue
			}
			if reflect.ValueOf(it.Labels).UnsafePointer() != reflect.ValueOf(ks.objs[client.ObjectKeyFromObject(&it)].GetLabels()).UnsafePointer() {
				t.Errorf("%s/%s was copied", it.Namespace, it.Name)
			}
		}
	})

	t.Run("unstructured", func(t *testing.T) {
		u := &unstructured.UnstructuredList{}
		u.SetGroupVersionKind(corev1.SchemeGroupVersion.WithKind("ConfigMapList"))
		if err := s.List(ctx, u, client.InNamespace("b")); err != nil {
			t.Fatal(err)
		}
		type item struct{ APIVersion, Kind, Namespace, Name, App string }
		var got []item
		for _, it := range u.Items {
			got = append(got, item{it.GetAPIVersion(), it.GetKind(), it.GetNamespace(), it.GetName(), it.GetLabels()["app"]})
		}
		want := []item{{"v1", "ConfigMap", "b", "a", "api"}, {"v1", "ConfigMap", "b", "m", "web"}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("items (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(corev1.SchemeGroupVersion.WithKind("ConfigMapList"), u.GroupVersionKind()); diff != "" {
			t.Errorf("list kind (-want +got):\n%s", diff)
		}
	})

	t.Run("reused list holds only the new items", func(t *testing.T) {
		var l corev1.ConfigMapList
		if err := s.List(ctx, &l); err != nil {
			t.Fatal(err)
		}
		if err := s.List(ctx, &l, client.InNamespace("c")); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"c/a"}, listKeys(&l)); diff != "" {
			t.Errorf("items (-want +got):\n%s", diff)
		}
	})
}

func mustSelector(t *testing.T, s string) labels.Selector {
	t.Helper()
	sel, err := labels.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return sel
}

// A write is one call against the store; it returns the caller's object
// after the call.
type write func(ctx context.Context, s *store) (client.Object, error)

func update(o client.Object) write {
	return func(ctx context.Context, s *store) (client.Object, error) {
		o := o.DeepCopyObject().(client.Object)
		return o, s.Update(ctx, o)
	}
}

func updateStatus(o client.Object) write {
	return func(ctx context.Context, s *store) (client.Object, error) {
		o := o.DeepCopyObject().(client.Object)
		return o, s.Status().Update(ctx, o)
	}
}

func TestStoreUpdate(t *testing.T) {
	cm := configMap("default", "c", map[string]string{"app": "web"}, map[string]string{"x": "1"})
	d := testDeployment("web", 3, 1)
	cases := []struct {
		name     string
		existing []client.Object
		write    write
		wantErr  errKind
		// want is what the store holds afterwards; wantCaller, when set,
		// the caller's object after a successful write (else want).
		want, wantCaller client.Object
	}{{
		name:     "resourceVersion moves by one",
		existing: []client.Object{cm},
		write:    update(withRV(configMap("default", "c", map[string]string{"app": "api"}, map[string]string{"x": "2"}), "1")),
		want:     withRV(configMap("default", "c", map[string]string{"app": "api"}, map[string]string{"x": "2"}), "2"),
	}, {
		name:     "stale resourceVersion conflicts",
		existing: []client.Object{cm},
		write: func(ctx context.Context, s *store) (client.Object, error) {
			if _, err := update(withRV(configMap("default", "c", nil, map[string]string{"x": "2"}), "1"))(ctx, s); err != nil {
				return nil, err
			}
			return update(withRV(configMap("default", "c", nil, map[string]string{"x": "3"}), "1"))(ctx, s)
		},
		wantErr: "Conflict",
		want:    withRV(configMap("default", "c", nil, map[string]string{"x": "2"}), "2"),
	}, {
		name:     "resourceVersion ahead of the store conflicts",
		existing: []client.Object{cm},
		write:    update(withRV(configMap("default", "c", nil, nil), "5")),
		wantErr:  "Conflict",
		want:     withRV(cm, "1"),
	}, {
		name:     "kind with unconditional updates takes an empty resourceVersion",
		existing: []client.Object{cm},
		write:    update(configMap("default", "c", nil, map[string]string{"x": "2"})),
		want:     withRV(configMap("default", "c", nil, map[string]string{"x": "2"}), "2"),
	}, {
		name:    "missing object",
		write:   update(withRV(cm, "1")),
		wantErr: "NotFound",
	}, {
		name:     "status subresource: Update keeps the stored status",
		existing: []client.Object{d},
		write: func() write {
			n := withRV(testDeployment("web", 5, 4), "1")
			n.Labels["tier"] = "front"
			return update(n)
		}(),
		want: func() client.Object {
			n := withGen(withRV(testDeployment("web", 5, 1), "2"), 1)
			n.Labels["tier"] = "front"
			return n
		}(),
	}, {
		name:     "status subresource: Update clearing the status keeps it",
		existing: []client.Object{d},
		write: func() write {
			n := withRV(testDeployment("web", 3, 0), "1")
			n.Status = appsv1.DeploymentStatus{}
			return update(n)
		}(),
		want: withRV(testDeployment("web", 3, 1), "2"),
	}, {
		name:     "status subresource: Status().Update keeps everything but the status",
		existing: []client.Object{d},
		write: func() write {
			n := withRV(testDeployment("web", 5, 3), "1")
			n.Labels = map[string]string{"other": "label"}
			n.Finalizers = []string{"knsim.dev/test"}
			return updateStatus(n)
		}(),
		want: withRV(testDeployment("web", 3, 3), "2"),
	}, {
		name:     "status subresource: Status().Update with a stale resourceVersion conflicts",
		existing: []client.Object{d},
		write: func(ctx context.Context, s *store) (client.Object, error) {
			if _, err := update(withRV(testDeployment("web", 4, 0), "1"))(ctx, s); err != nil {
				return nil, err
			}
			return updateStatus(withRV(testDeployment("web", 4, 2), "1"))(ctx, s)
		},
		wantErr: "Conflict",
		want:    withGen(withRV(testDeployment("web", 4, 1), "2"), 1),
	}, {
		name:    "status subresource: Status().Update of a missing object",
		write:   updateStatus(withRV(d, "1")),
		wantErr: "NotFound",
	}, {
		name:     "no status subresource: Status().Update is not found",
		existing: []client.Object{cm},
		write:    updateStatus(withRV(configMap("default", "c", nil, map[string]string{"x": "2"}), "1")),
		wantErr:  "NotFound",
		want:     withRV(cm, "1"),
	}, {
		name:     "no status subresource: SubResource(status) is not found",
		existing: []client.Object{cm},
		write: func(ctx context.Context, s *store) (client.Object, error) {
			o := withRV(configMap("default", "c", nil, nil), "1")
			return o, s.SubResource("status").Update(ctx, o)
		},
		wantErr: "NotFound",
		want:    withRV(cm, "1"),
	}, {
		name:     "other subresources are not served",
		existing: []client.Object{d},
		write: func(ctx context.Context, s *store) (client.Object, error) {
			o := withRV(testDeployment("web", 9, 9), "1")
			return o, s.SubResource("scale").Update(ctx, o)
		},
		wantErr: "Unserved",
		want:    withRV(d, "1"),
	}, {
		name:     "unstructured update",
		existing: []client.Object{cm},
		write: func(ctx context.Context, s *store) (client.Object, error) {
			u := &unstructured.Unstructured{Object: map[string]any{
				"apiVersion": "v1", "kind": "ConfigMap",
				"metadata": map[string]any{"namespace": "default", "name": "c", "resourceVersion": "1"},
				"data":     map[string]any{"x": "u"},
			}}
			return u, s.Update(ctx, u)
		},
		want: withRV(configMap("default", "c", nil, map[string]string{"x": "u"}), "2"),
		wantCaller: &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": "v1", "kind": "ConfigMap",
			"metadata": map[string]any{"namespace": "default", "name": "c", "resourceVersion": "2"},
			"data":     map[string]any{"x": "u"},
		}},
	}, {
		name:     "dry run changes nothing",
		existing: []client.Object{cm},
		write: func(ctx context.Context, s *store) (client.Object, error) {
			o := withRV(configMap("default", "c", nil, nil), "1")
			return nil, s.Update(ctx, o, client.DryRunAll)
		},
		want: withRV(cm, "1"),
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := newTestStore(t)
			seed(t, s, tc.existing...)
			caller, err := tc.write(context.Background(), s)
			checkErr(t, tc.wantErr, err)
			if tc.want == nil {
				for _, o := range []client.Object{cm, d} {
					if got := stored(t, s, o); got != nil {
						t.Fatalf("stored %v, want nothing", got)
					}
				}
				return
			}
			if diff := cmp.Diff(tc.want, stored(t, s, tc.want)); diff != "" {
				t.Errorf("stored (-want +got):\n%s", diff)
			}
			if tc.wantErr != "" || caller == nil {
				return
			}
			// After a write the caller's object holds what was stored.
			wantCaller := tc.wantCaller
			if wantCaller == nil {
				wantCaller = tc.want
			}
			if diff := cmp.Diff(wantCaller, caller); diff != "" {
				t.Errorf("caller's object (-want +got):\n%s", diff)
			}
		})
	}
}

// withFinalizers returns o with finalizers fs (a copy).
func withFinalizers[T client.Object](o T, fs ...string) T {
	c := o.DeepCopyObject().(T)
	c.SetFinalizers(fs)
	return c
}

// markedDeleted returns o as a Delete at storeNow leaves it.
func markedDeleted[T client.Object](o T, rv string) T {
	c := withRV(o, rv)
	c.SetDeletionTimestamp(&metav1.Time{Time: storeNow.Truncate(time.Second)})
	return c
}

func TestStoreDelete(t *testing.T) {
	cm := configMap("default", "c", map[string]string{"app": "web"}, map[string]string{"x": "1"})
	held := withFinalizers(cm, "knsim.dev/a")
	held2 := withFinalizers(cm, "knsim.dev/a", "knsim.dev/b")
	del := func(o client.Object, opts ...client.DeleteOption) write {
		return func(ctx context.Context, s *store) (client.Object, error) {
			o := o.DeepCopyObject().(client.Object)
			return o, s.Delete(ctx, o, opts...)
		}
	}
	// then runs writes in turn, stopping at the first error; the clock
	// steps a minute between them.
	then := func(clk **clocktesting.FakeClock, ws ...write) write {
		return func(ctx context.Context, s *store) (client.Object, error) {
			var o client.Object
			var err error
			for _, w := range ws {
				if o, err = w(ctx, s); err != nil {
					return o, err
				}
				(*clk).Step(time.Minute)
			}
			return o, nil
		}
	}
	var clk *clocktesting.FakeClock
	cases := []struct {
		name     string
		existing []client.Object
		write    write
		wantErr  errKind
		want     client.Object // nil: gone
	}{{
		name:     "without finalizers removes",
		existing: []client.Object{cm},
		write:    del(cm),
	}, {
		name:     "with finalizers marks deleted at the clock's now, in whole seconds",
		existing: []client.Object{held},
		write:    del(cm),
		want:     markedDeleted(held, "2"),
	}, {
		name:     "a second delete changes nothing",
		existing: []client.Object{held},
		write:    then(&clk, del(cm), del(cm)),
		want:     markedDeleted(held, "2"),
	}, {
		name:     "an update removing the last finalizer of a deleted object removes it",
		existing: []client.Object{held},
		write:    then(&clk, del(cm), update(markedDeleted(cm, "2"))),
	}, {
		name:     "an update removing one of two finalizers keeps it",
		existing: []client.Object{held2},
		write:    then(&clk, del(cm), update(markedDeleted(held, "2"))),
		want:     markedDeleted(held, "3"),
	}, {
		name:     "a status update of a deleted object keeps it",
		existing: []client.Object{withFinalizers(testDeployment("web", 3, 1), "knsim.dev/a")},
		write: then(&clk, del(testDeployment("web", 0, 0)),
			updateStatus(markedDeleted(testDeployment("web", 3, 2), "2"))),
		want: markedDeleted(withFinalizers(testDeployment("web", 3, 2), "knsim.dev/a"), "3"),
	}, {
		name:     "an update cannot set the deletionTimestamp",
		existing: []client.Object{held},
		write:    update(markedDeleted(held, "1")),
		wantErr:  "any",
		want:     withRV(held, "1"),
	}, {
		name:     "an update cannot move the deletionTimestamp",
		existing: []client.Object{held2},
		write: then(&clk, del(cm), func() write {
			o := markedDeleted(held, "2")
			o.DeletionTimestamp = &metav1.Time{Time: storeNow.Add(time.Hour).Truncate(time.Second)}
			return update(o)
		}()),
		wantErr: "any",
		want:    markedDeleted(held2, "2"),
	}, {
		name:     "precondition on the stored resourceVersion deletes",
		existing: []client.Object{cm},
		write:    del(cm, client.Preconditions{ResourceVersion: ptr.To("1")}),
	}, {
		name:     "precondition on a stale resourceVersion conflicts",
		existing: []client.Object{cm},
		write: then(&clk, update(withRV(cm, "1")),
			del(cm, client.Preconditions{ResourceVersion: ptr.To("1")})),
		wantErr: "Conflict",
		want:    withRV(cm, "2"),
	}, {
		name:    "missing object",
		write:   del(cm),
		wantErr: "NotFound",
	}, {
		name:     "dry run keeps the object",
		existing: []client.Object{cm},
		write:    del(cm, client.DryRunAll),
		want:     withRV(cm, "1"),
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var s *store
			s, clk = newTestStore(t)
			seed(t, s, tc.existing...)
			_, err := tc.write(context.Background(), s)
			checkErr(t, tc.wantErr, err)
			var key client.Object = cm
			if tc.want != nil {
				key = tc.want
			}
			got := stored(t, s, key)
			if tc.want == nil {
				if got != nil {
					t.Fatalf("stored %v, want nothing", got)
				}
				return
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("stored (-want +got):\n%s", diff)
			}
		})
	}
}

func TestStoreDeleteAllOf(t *testing.T) {
	cases := []struct {
		name    string
		opts    []client.DeleteAllOfOption
		want    []string // what is left, each with its deletionTimestamp if any
		wantErr errKind
	}{{
		name: "label selector in a namespace",
		opts: []client.DeleteAllOfOption{client.InNamespace("a"), client.MatchingLabels{"app": "web"}},
		want: []string{"a/api", "a/held deleted", "b/web"},
	}, {
		name: "label selector in every namespace",
		opts: []client.DeleteAllOfOption{client.MatchingLabels{"app": "web"}},
		want: []string{"a/api", "a/held deleted"},
	}, {
		name: "a namespace",
		opts: []client.DeleteAllOfOption{client.InNamespace("b")},
		want: []string{"a/api", "a/held", "a/web", "a/web2"},
	}, {
		name:    "field selector refused",
		opts:    []client.DeleteAllOfOption{client.MatchingFieldsSelector{Selector: fields.OneTermEqualSelector("metadata.name", "web")}},
		want:    []string{"a/api", "a/held", "a/web", "a/web2", "b/web"},
		wantErr: "BadRequest",
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := newTestStore(t)
			web := map[string]string{"app": "web"}
			seed(t, s,
				configMap("a", "web", web, nil), configMap("a", "web2", web, nil),
				configMap("a", "api", map[string]string{"app": "api"}, nil),
				withFinalizers(configMap("a", "held", web, nil), "knsim.dev/a"),
				configMap("b", "web", web, nil))
			checkErr(t, tc.wantErr, s.DeleteAllOf(context.Background(), &corev1.ConfigMap{}, tc.opts...))
			var l corev1.ConfigMapList
			if err := s.List(context.Background(), &l); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, c := range l.Items {
				k := c.Namespace + "/" + c.Name
				if c.DeletionTimestamp != nil {
					k += " deleted"
				}
				got = append(got, k)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("left (-want +got):\n%s", diff)
			}
		})
	}
}

func TestStorePatch(t *testing.T) {
	cm := configMap("default", "c", map[string]string{"app": "web"}, map[string]string{"x": "1", "y": "1"})
	twoContainers := testPod("default", "p", nil)
	twoContainers.Spec.Containers = []corev1.Container{{Name: "a", Image: "a:1"}, {Name: "b", Image: "b:1"}}
	d := testDeployment("web", 3, 1)
	// patch reads the stored object, edits it, and patches the difference
	// from what it read, as a controller does.
	patch := func(o client.Object, edit func(client.Object), mk func(client.Object) client.Patch, status bool) write {
		return func(ctx context.Context, s *store) (client.Object, error) {
			cur := stored(t, s, o)
			base := cur.DeepCopyObject().(client.Object)
			edit(cur)
			if status {
				return cur, s.Status().Patch(ctx, cur, mk(base))
			}
			return cur, s.Patch(ctx, cur, mk(base))
		}
	}
	mergeFrom := func(o client.Object) client.Patch { return client.MergeFrom(o) }
	raw := func(o client.Object, pt types.PatchType, data string) write {
		return func(ctx context.Context, s *store) (client.Object, error) {
			o := o.DeepCopyObject().(client.Object)
			return o, s.Patch(ctx, o, client.RawPatch(pt, []byte(data)))
		}
	}
	cases := []struct {
		name     string
		existing []client.Object
		write    write
		wantErr  errKind
		want     client.Object
	}{{
		name:     "merge patch",
		existing: []client.Object{cm},
		write: patch(cm, func(o client.Object) {
			c := o.(*corev1.ConfigMap)
			c.Labels["tier"] = "front"
			c.Data["x"] = "2"
			delete(c.Data, "y")
		}, mergeFrom, false),
		want: withRV(configMap("default", "c", map[string]string{"app": "web", "tier": "front"}, map[string]string{"x": "2"}), "2"),
	}, {
		name:     "merge patch with an optimistic lock on a stale object conflicts",
		existing: []client.Object{cm},
		write: func(ctx context.Context, s *store) (client.Object, error) {
			base := withRV(cm, "1")
			if _, err := update(withRV(configMap("default", "c", nil, map[string]string{"x": "0"}), "1"))(ctx, s); err != nil {
				return nil, err
			}
			n := base.DeepCopy()
			n.Data["x"] = "2"
			return n, s.Patch(ctx, n, client.MergeFromWithOptions(base, client.MergeFromWithOptimisticLock{}))
		},
		wantErr: "Conflict",
		want:    withRV(configMap("default", "c", nil, map[string]string{"x": "0"}), "2"),
	}, {
		name:     "merge patch without a lock applies over a newer object",
		existing: []client.Object{cm},
		write: func(ctx context.Context, s *store) (client.Object, error) {
			base := withRV(cm, "1")
			if _, err := update(withRV(configMap("default", "c", nil, map[string]string{"x": "0"}), "1"))(ctx, s); err != nil {
				return nil, err
			}
			n := base.DeepCopy()
			n.Data["z"] = "2"
			return n, s.Patch(ctx, n, client.MergeFrom(base))
		},
		want: withRV(configMap("default", "c", nil, map[string]string{"x": "0", "z": "2"}), "3"),
	}, {
		name:     "merge patch replaces a list",
		existing: []client.Object{twoContainers},
		write:    raw(twoContainers, types.MergePatchType, `{"spec":{"containers":[{"name":"b","image":"b:2"}]}}`),
		want: func() client.Object {
			p := withGen(withRV(twoContainers, "2"), 1)
			p.Spec.Containers = []corev1.Container{{Name: "b", Image: "b:2"}}
			return p
		}(),
	}, {
		name:     "strategic merge patch merges a list by key",
		existing: []client.Object{twoContainers},
		write:    raw(twoContainers, types.StrategicMergePatchType, `{"spec":{"containers":[{"name":"b","image":"b:2"}]}}`),
		want: func() client.Object {
			p := withGen(withRV(twoContainers, "2"), 1)
			p.Spec.Containers = []corev1.Container{{Name: "a", Image: "a:1"}, {Name: "b", Image: "b:2"}}
			return p
		}(),
	}, {
		name:     "strategic merge patch from a controller",
		existing: []client.Object{twoContainers},
		write: patch(twoContainers, func(o client.Object) {
			o.(*corev1.Pod).Spec.Containers[0].Image = "a:2"
			o.SetLabels(map[string]string{"app": "web"})
		}, func(o client.Object) client.Patch { return client.StrategicMergeFrom(o) }, false),
		want: func() client.Object {
			p := withGen(withRV(twoContainers, "2"), 1)
			p.Labels = map[string]string{"app": "web"}
			p.Spec.Containers = []corev1.Container{{Name: "a", Image: "a:2"}, {Name: "b", Image: "b:1"}}
			return p
		}(),
	}, {
		name:     "JSON patch",
		existing: []client.Object{cm},
		write:    raw(cm, types.JSONPatchType, `[{"op":"replace","path":"/data/x","value":"j"}]`),
		want:     withRV(configMap("default", "c", map[string]string{"app": "web"}, map[string]string{"x": "j", "y": "1"}), "2"),
	}, {
		name:     "status patch changes only the status",
		existing: []client.Object{d},
		write: patch(d, func(o client.Object) {
			o.(*appsv1.Deployment).Status.ReadyReplicas = 3
			o.(*appsv1.Deployment).Spec.Replicas = ptr.To[int32](9)
		}, mergeFrom, true),
		want: withRV(testDeployment("web", 3, 3), "2"),
	}, {
		name:     "a patch of a kind with a status subresource keeps the status",
		existing: []client.Object{d},
		write: patch(d, func(o client.Object) {
			o.(*appsv1.Deployment).Status.ReadyReplicas = 3
			o.(*appsv1.Deployment).Spec.Replicas = ptr.To[int32](9)
		}, mergeFrom, false),
		want: withGen(withRV(testDeployment("web", 9, 1), "2"), 1),
	}, {
		name:     "status patch of a kind without a status subresource",
		existing: []client.Object{cm},
		write: func(ctx context.Context, s *store) (client.Object, error) {
			o := withRV(cm, "1")
			return o, s.Status().Patch(ctx, o, client.RawPatch(types.MergePatchType, []byte(`{"data":{"x":"s"}}`)))
		},
		wantErr: "NotFound",
		want:    withRV(cm, "1"),
	}, {
		name:    "missing object",
		write:   raw(cm, types.MergePatchType, `{"data":{"x":"2"}}`),
		wantErr: "NotFound",
	}, {
		name:     "apply patch is not served",
		existing: []client.Object{cm},
		write:    raw(cm, types.ApplyPatchType, `{"data":{"x":"2"}}`),
		wantErr:  "MethodNotSupported",
		want:     withRV(cm, "1"),
	}, {
		name:     "a patch removing the last finalizer of a deleted object removes it",
		existing: []client.Object{withFinalizers(cm, "knsim.dev/a")},
		write: func(ctx context.Context, s *store) (client.Object, error) {
			if err := s.Delete(ctx, cm.DeepCopy()); err != nil {
				return nil, err
			}
			return raw(cm, types.MergePatchType, `{"metadata":{"finalizers":null}}`)(ctx, s)
		},
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := newTestStore(t)
			seed(t, s, tc.existing...)
			caller, err := tc.write(context.Background(), s)
			checkErr(t, tc.wantErr, err)
			var key client.Object = cm
			if tc.want != nil {
				key = tc.want
			}
			got := stored(t, s, key)
			if tc.want == nil {
				if got != nil {
					t.Fatalf("stored %v, want nothing", got)
				}
				return
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("stored (-want +got):\n%s", diff)
			}
			if tc.wantErr == "" {
				if diff := cmp.Diff(tc.want, caller); diff != "" {
					t.Errorf("caller's object (-want +got):\n%s", diff)
				}
			}
		})
	}
}

func TestStoreApply(t *testing.T) {
	s, _ := newTestStore(t)
	seed(t, s, configMap("default", "c", nil, nil))
	ac := corev1ac.ConfigMap("c", "default").WithData(map[string]string{"x": "1"})
	cases := []struct {
		name  string
		apply func() error
	}{
		{"Apply", func() error { return s.Apply(context.Background(), ac, client.FieldOwner("test")) }},
		{"Status().Apply", func() error { return s.Status().Apply(context.Background(), ac, client.FieldOwner("test")) }},
		{"SubResource(status).Apply", func() error {
			return s.SubResource("status").Apply(context.Background(), ac, client.FieldOwner("test"))
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			checkErr(t, "MethodNotSupported", tc.apply())
			if diff := cmp.Diff(withRV(configMap("default", "c", nil, nil), "1"), stored(t, s, configMap("default", "c", nil, nil))); diff != "" {
				t.Errorf("stored (-want +got):\n%s", diff)
			}
		})
	}
}

// readRecord is one onRead call.
type readRecord struct {
	GVK             schema.GroupVersionKind
	Namespace, Name string
	Selector        string // "<nil>" for none
}

func TestStoreHooks(t *testing.T) {
	ctx := context.Background()
	web := labels.Set{"app": "web"}
	api := labels.Set{"app": "api"}
	key := types.NamespacedName{Namespace: "default", Name: "c"}
	pkey := types.NamespacedName{Namespace: "default", Name: "p"}
	cases := []struct {
		name  string
		setup []client.Object
		do    func(s *store) error
		want  []change
	}{{
		name: "create",
		do:   func(s *store) error { return s.Create(ctx, configMap("default", "c", web, nil)) },
		want: []change{{gvk: cmGVK, key: key, after: web}},
	}, {
		name:  "update changing labels",
		setup: []client.Object{configMap("default", "c", web, nil)},
		do:    func(s *store) error { return s.Update(ctx, withRV(configMap("default", "c", api, nil), "1")) },
		want:  []change{{gvk: cmGVK, key: key, before: web, after: api}},
	}, {
		name:  "status update",
		setup: []client.Object{testPod("default", "p", web)},
		do: func(s *store) error {
			p := withRV(testPod("default", "p", web), "1")
			p.Status.Phase = corev1.PodRunning
			return s.Status().Update(ctx, p)
		},
		want: []change{{gvk: podGVK, key: pkey, before: web, after: web}},
	}, {
		name:  "patch",
		setup: []client.Object{configMap("default", "c", web, nil)},
		do: func(s *store) error {
			return s.Patch(ctx, configMap("default", "c", nil, nil), client.RawPatch(types.MergePatchType, []byte(`{"metadata":{"labels":{"app":"api"}}}`)))
		},
		want: []change{{gvk: cmGVK, key: key, before: web, after: api}},
	}, {
		name:  "delete",
		setup: []client.Object{configMap("default", "c", web, nil)},
		do:    func(s *store) error { return s.Delete(ctx, configMap("default", "c", nil, nil)) },
		want:  []change{{gvk: cmGVK, key: key, before: web}},
	}, {
		name:  "delete of an object with finalizers, twice",
		setup: []client.Object{withFinalizers(configMap("default", "c", web, nil), "knsim.dev/a")},
		do: func(s *store) error {
			if err := s.Delete(ctx, configMap("default", "c", nil, nil)); err != nil {
				return err
			}
			return s.Delete(ctx, configMap("default", "c", nil, nil))
		},
		want: []change{{gvk: cmGVK, key: key, before: web, after: web, deleting: true}},
	}, {
		name:  "update removing the last finalizer of a deleted object",
		setup: []client.Object{withFinalizers(configMap("default", "c", web, nil), "knsim.dev/a")},
		do: func(s *store) error {
			if err := s.Delete(ctx, configMap("default", "c", nil, nil)); err != nil {
				return err
			}
			return s.Update(ctx, markedDeleted(configMap("default", "c", web, nil), "2"))
		},
		want: []change{{gvk: cmGVK, key: key, before: web, after: web, deleting: true}, {gvk: cmGVK, key: key, before: web}},
	}, {
		name:  "delete all of",
		setup: []client.Object{configMap("default", "c", web, nil), configMap("default", "d", api, nil)},
		do: func(s *store) error {
			return s.DeleteAllOf(ctx, &corev1.ConfigMap{}, client.InNamespace("default"), client.MatchingLabels(web))
		},
		want: []change{{gvk: cmGVK, key: key, before: web}},
	}, {
		name:  "failed writes",
		setup: []client.Object{configMap("default", "c", web, nil)},
		do: func(s *store) error {
			errs := []error{
				s.Create(ctx, configMap("default", "c", api, nil)),
				s.Update(ctx, withRV(configMap("default", "c", api, nil), "9")),
				s.Delete(ctx, configMap("default", "missing", nil, nil)),
				s.Status().Update(ctx, withRV(configMap("default", "c", api, nil), "1")),
			}
			for _, err := range errs {
				if err == nil {
					return errors.New("a write that should fail succeeded")
				}
			}
			return nil
		},
	}, {
		name: "dry run",
		do:   func(s *store) error { return s.Create(ctx, configMap("default", "c", web, nil), client.DryRunAll) },
	}, {
		// An object without labels exists: its labels are an empty set,
		// which selectors such as "!app" match, not nil.
		name:  "object without labels",
		setup: []client.Object{configMap("default", "c", nil, nil)},
		do: func(s *store) error {
			if err := s.Update(ctx, withRV(configMap("default", "c", nil, map[string]string{"x": "1"}), "1")); err != nil {
				return err
			}
			return s.Create(ctx, configMap("default", "n", nil, nil))
		},
		want: []change{
			{gvk: cmGVK, key: key, before: labels.Set{}, after: labels.Set{}},
			{gvk: cmGVK, key: types.NamespacedName{Namespace: "default", Name: "n"}, after: labels.Set{}},
		},
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := newTestStore(t)
			seed(t, s, tc.setup...)
			var got []change
			s.onWrite = func(ch change) { got = append(got, ch) }
			if err := tc.do(s); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(change{})); diff != "" {
				t.Errorf("changes (-want +got):\n%s", diff)
			}
		})
	}

	t.Run("reads", func(t *testing.T) {
		s, _ := newTestStore(t)
		seed(t, s, configMap("default", "c", web, nil))
		var got []readRecord
		s.onRead = func(gvk schema.GroupVersionKind, namespace, name string, sel labels.Selector) {
			r := readRecord{GVK: gvk, Namespace: namespace, Name: name, Selector: "<nil>"}
			if sel != nil {
				r.Selector = sel.String()
			}
			got = append(got, r)
		}
		var cms corev1.ConfigMapList
		var pods corev1.PodList
		var deploys appsv1.DeploymentList
		_ = s.Get(ctx, key, &corev1.ConfigMap{})
		_ = s.Get(ctx, types.NamespacedName{Namespace: "other", Name: "missing"}, &corev1.Pod{})
		_ = s.List(ctx, &cms, client.InNamespace("default"), client.MatchingLabels{"app": "web"})
		_ = s.List(ctx, &pods)
		_ = s.List(ctx, &deploys, client.InNamespace("x"), client.MatchingLabelsSelector{Selector: mustSelector(t, "app notin (web)")})
		want := []readRecord{
			{GVK: cmGVK, Namespace: "default", Name: "c", Selector: "<nil>"},
			{GVK: podGVK, Namespace: "other", Name: "missing", Selector: "<nil>"},
			{GVK: cmGVK, Namespace: "default", Selector: "app=web"},
			{GVK: podGVK, Selector: "<nil>"},
			{GVK: deployGVK, Namespace: "x", Selector: "app notin (web)"},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("reads (-want +got):\n%s", diff)
		}
	})
}
