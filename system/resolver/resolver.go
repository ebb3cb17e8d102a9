package resolver

import (
	"context"
	"errors"
	"fmt"
	"net/url"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/knsim/knsim/system/apis/duck"
	"github.com/knsim/knsim/system/network"
)

// ErrNotAddressable is wrapped by errors for objects without an address yet.
var ErrNotAddressable = errors.New("not addressable")

// Resolver resolves Destinations through a client. Kinds the client's
// scheme knows are read typed (from the manager's cache); other kinds are
// read as unstructured objects, mapped through the client's RESTMapper.
type Resolver struct {
	c client.Client
}

// New returns a Resolver reading through c.
func New(c client.Client) *Resolver { return &Resolver{c: c} }

// URIFromDestination resolves dest to a URI. A ref without a namespace is
// looked up in namespace (the referrer's).
func (r *Resolver) URIFromDestination(ctx context.Context, dest duck.Destination, namespace string) (string, error) {
	if dest.Ref == nil {
		if dest.URI == "" {
			return "", errors.New("destination has neither ref nor uri")
		}
		u, err := url.Parse(dest.URI)
		if err != nil {
			return "", fmt.Errorf("parsing uri %q: %w", dest.URI, err)
		}
		if !u.IsAbs() || u.Host == "" {
			return "", fmt.Errorf("uri %q is not absolute and there is no ref to resolve it against", dest.URI)
		}
		return u.String(), nil
	}
	base, err := r.AddressOf(ctx, *dest.Ref, namespace)
	if err != nil {
		return "", err
	}
	if dest.URI == "" {
		return base.String(), nil
	}
	rel, err := url.Parse(dest.URI)
	if err != nil {
		return "", fmt.Errorf("parsing uri %q: %w", dest.URI, err)
	}
	return base.ResolveReference(rel).String(), nil
}

// AddressOf returns the address of the object ref names; its namespace
// defaults to namespace.
func (r *Resolver) AddressOf(ctx context.Context, ref duck.KReference, namespace string) (*url.URL, error) {
	if ref.Namespace == "" {
		ref.Namespace = namespace
	}
	gvk, err := GVK(ref)
	if err != nil {
		return nil, err
	}
	desc := Describe(ref)
	if gvk.Group == "" && gvk.Kind == "Service" {
		// A Kubernetes Service is addressable by its cluster DNS name.
		if err := r.c.Get(ctx, client.ObjectKey{Namespace: ref.Namespace, Name: ref.Name}, &corev1.Service{}); err != nil {
			return nil, fmt.Errorf("getting %s: %w", desc, err)
		}
		return ServiceURL(ref.Name, ref.Namespace), nil
	}
	obj, err := r.get(ctx, gvk, ref)
	if err != nil {
		return nil, fmt.Errorf("getting %s: %w", desc, err)
	}
	raw, _, err := unstructured.NestedString(obj, "status", "address", "url")
	if err != nil {
		return nil, fmt.Errorf("reading status.address.url of %s: %w", desc, err)
	}
	if raw == "" {
		return nil, fmt.Errorf("%s is not ready: status.address.url is empty: %w", desc, ErrNotAddressable)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("parsing status.address.url %q of %s: %w", raw, desc, err)
	}
	return u, nil
}

// get reads the object as a map: typed through the (cached) client when
// the scheme knows the kind, as unstructured otherwise.
func (r *Resolver) get(ctx context.Context, gvk schema.GroupVersionKind, ref duck.KReference) (map[string]any, error) {
	key := client.ObjectKey{Namespace: ref.Namespace, Name: ref.Name}
	if r.c.Scheme().Recognizes(gvk) {
		o, err := r.c.Scheme().New(gvk)
		if err != nil {
			return nil, err
		}
		obj, ok := o.(client.Object)
		if !ok {
			return nil, fmt.Errorf("%s is not an object kind", gvk)
		}
		if err := r.c.Get(ctx, key, obj); err != nil {
			return nil, err
		}
		return runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	}
	mapping, err := r.c.RESTMapper().RESTMapping(gvk.GroupKind(), gvk.Version)
	if err != nil {
		return nil, fmt.Errorf("kind %q of apiVersion %q is unknown to the apiserver: %w", gvk.Kind, gvk.GroupVersion(), err)
	}
	if mapping.Scope.Name() != meta.RESTScopeNameNamespace {
		key.Namespace = ""
	}
	u := &unstructured.Unstructured{}
	u.SetGroupVersionKind(gvk)
	if err := r.c.Get(ctx, key, u); err != nil {
		return nil, err
	}
	return u.Object, nil
}

// GVK parses ref's apiVersion and kind.
func GVK(ref duck.KReference) (schema.GroupVersionKind, error) {
	if ref.APIVersion == "" || ref.Kind == "" || ref.Name == "" {
		return schema.GroupVersionKind{}, fmt.Errorf("reference %s needs apiVersion, kind and name", Describe(ref))
	}
	gv, err := schema.ParseGroupVersion(ref.APIVersion)
	if err != nil {
		return schema.GroupVersionKind{}, fmt.Errorf("reference %s: %w", Describe(ref), err)
	}
	return gv.WithKind(ref.Kind), nil
}

// Describe names a reference for messages, e.g. "Broker default/foo".
func Describe(ref duck.KReference) string {
	kind := ref.Kind
	if kind == "" {
		kind = "object"
	}
	if ref.Namespace == "" {
		return kind + " " + ref.Name
	}
	return kind + " " + ref.Namespace + "/" + ref.Name
}

// ServiceURL is the cluster-local URL of a Kubernetes Service.
func ServiceURL(name, namespace string) *url.URL {
	return &url.URL{Scheme: "http", Host: network.ServiceHost(name, namespace)}
}
