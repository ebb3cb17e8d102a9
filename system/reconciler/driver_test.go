package reconciler

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"
)

const testFinalizer = "test.knsim.dev/cleanup"

var (
	errBoom   = errors.New("boom")
	testKey   = client.ObjectKey{Namespace: "default", Name: "d"}
	testStamp = metav1.NewTime(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
)

// deployment is the reconciled object of the driver's tests; its status's
// Replicas stands for what a kind's logic fills in.
func deployment(replicas int32, finalizers ...string) *appsv1.Deployment {
	d := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Namespace: testKey.Namespace, Name: testKey.Name, Finalizers: finalizers}}
	d.Status.Replicas = replicas
	return d
}

func deleting(d *appsv1.Deployment) *appsv1.Deployment {
	d.DeletionTimestamp = &testStamp
	return d
}

// TestDriver runs the driver over a fake apiserver and checks which hooks
// ran, what it returned and what it wrote.
func TestDriver(t *testing.T) {
	type want struct {
		calls        []string
		res          ctrl.Result
		err          error  // matched with errors.Is
		errText      string // the error's text, when err is set
		statusWrites int
		updates      int
		// replicas and finalizers describe the stored object; gone means
		// it no longer exists.
		replicas   int32
		finalizers []string
		gone       bool
	}
	tests := []struct {
		name      string
		obj       *appsv1.Deployment // nil: none stored
		finalizer string
		// logic is what ReconcileKind does after setting Replicas to
		// setReplicas.
		setReplicas int32
		logic       func() (ctrl.Result, error)
		finalize    error
		funcs       interceptor.Funcs
		want        want
	}{{
		name: "gone runs OnGone only",
		want: want{calls: []string{"gone default/d"}, gone: true},
	}, {
		name: "read error is wrapped",
		obj:  deployment(1),
		funcs: interceptor.Funcs{Get: func(context.Context, client.WithWatch, client.ObjectKey, client.Object, ...client.GetOption) error {
			return errBoom
		}},
		want: want{err: errBoom, errText: "getting deployment default/d: boom", replicas: 1},
	}, {
		name:        "changed status is written",
		obj:         deployment(1),
		setReplicas: 2,
		logic:       func() (ctrl.Result, error) { return ctrl.Result{RequeueAfter: time.Second}, nil },
		want:        want{calls: []string{"reconcile"}, res: ctrl.Result{RequeueAfter: time.Second}, statusWrites: 1, replicas: 2},
	}, {
		name:        "unchanged status is not written",
		obj:         deployment(1),
		setReplicas: 1,
		want:        want{calls: []string{"reconcile"}, replicas: 1},
	}, {
		name:        "an error leaves the status unwritten",
		obj:         deployment(1),
		setReplicas: 2,
		logic:       func() (ctrl.Result, error) { return ctrl.Result{}, errBoom },
		want:        want{calls: []string{"reconcile"}, err: errBoom, errText: "boom", replicas: 1},
	}, {
		name:        "WithStatus writes the status, then returns the error",
		obj:         deployment(1),
		setReplicas: 2,
		logic:       func() (ctrl.Result, error) { return ctrl.Result{}, WithStatus(errBoom) },
		want:        want{calls: []string{"reconcile"}, err: errBoom, errText: "boom", statusWrites: 1, replicas: 2},
	}, {
		name:        "SkipStatus leaves the status unwritten without an error",
		obj:         deployment(1),
		setReplicas: 2,
		logic:       func() (ctrl.Result, error) { return ctrl.Result{}, SkipStatus },
		want:        want{calls: []string{"reconcile"}, replicas: 1},
	}, {
		name:        "a failed status write is wrapped and drops the result",
		obj:         deployment(1),
		setReplicas: 2,
		logic:       func() (ctrl.Result, error) { return ctrl.Result{RequeueAfter: time.Second}, nil },
		funcs: interceptor.Funcs{SubResourceUpdate: func(context.Context, client.Client, string, client.Object, ...client.SubResourceUpdateOption) error {
			return errBoom
		}},
		want: want{calls: []string{"reconcile"}, err: errBoom, errText: "reconciling deployment: updating status of *v1.Deployment d: boom", statusWrites: 1, replicas: 1},
	}, {
		name: "deleting without a finalizer runs OnDeleting only",
		obj:  deleting(deployment(1, "other")),
		want: want{calls: []string{"deleting default/d"}, replicas: 1, finalizers: []string{"other"}},
	}, {
		name:        "the finalizer is added before the logic runs",
		obj:         deployment(1),
		finalizer:   testFinalizer,
		setReplicas: 2,
		want:        want{calls: []string{"reconcile"}, statusWrites: 1, updates: 1, replicas: 2, finalizers: []string{testFinalizer}},
	}, {
		name:      "a failed finalizer write stops the reconcile",
		obj:       deployment(1),
		finalizer: testFinalizer,
		funcs: interceptor.Funcs{Update: func(context.Context, client.WithWatch, client.Object, ...client.UpdateOption) error {
			return errBoom
		}},
		want: want{err: errBoom, errText: "adding finalizer to deployment d: boom", updates: 1, replicas: 1},
	}, {
		name:      "deleting with the finalizer finalizes and releases the object",
		obj:       deleting(deployment(1, testFinalizer)),
		finalizer: testFinalizer,
		want:      want{calls: []string{"deleting default/d", "finalize"}, updates: 1, gone: true},
	}, {
		name:      "a failed finalize keeps the finalizer",
		obj:       deleting(deployment(1, testFinalizer)),
		finalizer: testFinalizer,
		finalize:  errBoom,
		want:      want{calls: []string{"deleting default/d", "finalize"}, err: errBoom, errText: "boom", replicas: 1, finalizers: []string{testFinalizer}},
	}, {
		name:      "deleting without the driver's finalizer does not finalize",
		obj:       deleting(deployment(1, "other")),
		finalizer: testFinalizer,
		want:      want{calls: []string{"deleting default/d"}, replicas: 1, finalizers: []string{"other"}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got want
			funcs := tt.funcs
			countUpdate, countStatus := funcs.Update, funcs.SubResourceUpdate
			funcs.Update = func(ctx context.Context, c client.WithWatch, obj client.Object, opts ...client.UpdateOption) error {
				got.updates++
				if countUpdate != nil {
					return countUpdate(ctx, c, obj, opts...)
				}
				return c.Update(ctx, obj, opts...)
			}
			funcs.SubResourceUpdate = func(ctx context.Context, c client.Client, sub string, obj client.Object, opts ...client.SubResourceUpdateOption) error {
				got.statusWrites++
				if countStatus != nil {
					return countStatus(ctx, c, sub, obj, opts...)
				}
				return c.SubResource(sub).Update(ctx, obj, opts...)
			}
			b := fake.NewClientBuilder().WithScheme(clientgoscheme.Scheme).WithStatusSubresource(&appsv1.Deployment{})
			if tt.obj != nil {
				b = b.WithObjects(tt.obj)
			}
			store := b.Build()
			c := interceptor.NewClient(store, funcs)

			d := Driver[*appsv1.Deployment]{
				Kind:       "deployment",
				New:        func() *appsv1.Deployment { return &appsv1.Deployment{} },
				Status:     func(d *appsv1.Deployment) any { return &d.Status },
				OnGone:     func(k client.ObjectKey) { got.calls = append(got.calls, "gone "+k.String()) },
				OnDeleting: func(k client.ObjectKey) { got.calls = append(got.calls, "deleting "+k.String()) },
				Finalizer:  tt.finalizer,
				FinalizeKind: func(context.Context, *appsv1.Deployment) error {
					got.calls = append(got.calls, "finalize")
					return tt.finalize
				},
				ReconcileKind: func(_ context.Context, d *appsv1.Deployment) (ctrl.Result, error) {
					got.calls = append(got.calls, "reconcile")
					if tt.finalizer != "" && !slices.Contains(d.Finalizers, tt.finalizer) {
						t.Errorf("ReconcileKind ran before the finalizer was added")
					}
					d.Status.Replicas = tt.setReplicas
					if tt.logic == nil {
						return ctrl.Result{}, nil
					}
					return tt.logic()
				},
			}
			var err error
			got.res, err = d.Reconcile(context.Background(), c, ctrl.Request{NamespacedName: testKey})
			switch {
			case tt.want.err == nil && err != nil:
				t.Fatalf("Reconcile: %v", err)
			case tt.want.err != nil && !errors.Is(err, tt.want.err):
				t.Fatalf("Reconcile error = %v, want %v", err, tt.want.err)
			case err != nil:
				got.err, got.errText = tt.want.err, err.Error()
			}

			stored := &appsv1.Deployment{}
			if err := store.Get(context.Background(), testKey, stored); apierrors.IsNotFound(err) {
				got.gone = true
			} else if err != nil {
				t.Fatalf("reading back: %v", err)
			} else {
				got.replicas, got.finalizers = stored.Status.Replicas, stored.Finalizers
			}
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(want{}), cmp.Comparer(func(a, b error) bool { return a == b })); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestWithStatus checks that WithStatus keeps nil nil and err reachable.
func TestWithStatus(t *testing.T) {
	if err := WithStatus(nil); err != nil {
		t.Errorf("WithStatus(nil) = %v, want nil", err)
	}
	if err := WithStatus(errBoom); !errors.Is(err, errBoom) || err.Error() != "boom" {
		t.Errorf("WithStatus(errBoom) = %v, want boom", err)
	}
}
