package channel

import (
	"context"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/knsim/knsim/system/apis/duck"
	messagingv1 "github.com/knsim/knsim/system/apis/messaging/v1"
	"github.com/knsim/knsim/system/kmeta"
	"github.com/knsim/knsim/system/reconciler"
	"github.com/knsim/knsim/system/reconciler/channel/resources"
)

// EnsureChannel creates the channel want (of any kind) owned by owner, or
// brings the existing one's labels, annotations and template-owned spec
// fields in line, leaving its subscribers alone. It returns the channel as
// stored.
func EnsureChannel(ctx context.Context, c client.Client, owner metav1.Object, want *unstructured.Unstructured) (*unstructured.Unstructured, error) {
	return reconciler.EnsureChild(ctx, c, owner, want, resources.New(want.GroupVersionKind()),
		func(have, want *unstructured.Unstructured) bool {
			meta := reconciler.SyncMeta(have, want)
			return resources.SyncSpec(have, want) || meta
		})
}

// ChildOf describes a channel for aggregated readiness: its name and Ready
// condition, and its address.
func ChildOf(ch *unstructured.Unstructured) (duck.Child, string, error) {
	st, err := resources.Status(ch)
	if err != nil {
		return duck.Child{}, "", err
	}
	return duck.Child{Name: ch.GetName(), Ready: st.GetCondition(duck.ConditionReady)}, st.Address.URL, nil
}

// DeleteIfOwned deletes obj (named by its namespace and name) when it
// exists and owner controls it; an object someone else owns is kept. It
// reports whether obj existed.
func DeleteIfOwned(ctx context.Context, c client.Client, owner metav1.Object, obj client.Object) (bool, error) {
	if err := c.Get(ctx, client.ObjectKeyFromObject(obj), obj); apierrors.IsNotFound(err) {
		return false, nil
	} else if err != nil {
		return false, fmt.Errorf("getting %T %s: %w", obj, obj.GetName(), err)
	}
	if !kmeta.IsControlledBy(obj, owner) || obj.GetDeletionTimestamp() != nil {
		return true, nil
	}
	if err := c.Delete(ctx, obj); err != nil && !apierrors.IsNotFound(err) {
		return true, fmt.Errorf("deleting %T %s: %w", obj, obj.GetName(), err)
	}
	return true, nil
}

// EnsureSubscription creates the Subscription want owned by owner, or
// brings the existing one's labels, annotations and spec in line.
func EnsureSubscription(ctx context.Context, c client.Client, owner metav1.Object, want *messagingv1.Subscription) (*messagingv1.Subscription, error) {
	return reconciler.EnsureChild(ctx, c, owner, want, &messagingv1.Subscription{},
		func(have, want *messagingv1.Subscription) bool {
			meta := reconciler.SyncMeta(have, want)
			return reconciler.Sync(&have.Spec, want.Spec) || meta
		})
}

// SubscriptionChild describes a Subscription for aggregated readiness; one
// that has not caught up with its spec counts as not ready.
func SubscriptionChild(sub *messagingv1.Subscription) duck.Child {
	c := duck.Child{Name: sub.Name, Ready: sub.Status.GetCondition(duck.ConditionReady)}
	if sub.Status.ObservedGeneration != sub.Generation {
		c.Ready = nil
	}
	return c
}
