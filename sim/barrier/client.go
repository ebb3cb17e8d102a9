package barrier

import (
	"context"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// Client wraps c so that every object version it writes is tracked: the
// barrier then waits until every handler of that kind has observed it.
func (b *Barrier) Client(c client.Client) client.Client {
	return &trackingClient{Client: c, b: b}
}

type trackingClient struct {
	client.Client
	b *Barrier
}

func (c *trackingClient) Create(ctx context.Context, obj client.Object, opts ...client.CreateOption) error {
	err := c.Client.Create(ctx, obj, opts...)
	if err == nil {
		c.b.recordWrite(obj, false)
	}
	return err
}

func (c *trackingClient) Update(ctx context.Context, obj client.Object, opts ...client.UpdateOption) error {
	err := c.Client.Update(ctx, obj, opts...)
	if err == nil {
		c.b.recordWrite(obj, false)
	}
	return err
}

func (c *trackingClient) Patch(ctx context.Context, obj client.Object, patch client.Patch, opts ...client.PatchOption) error {
	err := c.Client.Patch(ctx, obj, patch, opts...)
	if err == nil {
		c.b.recordWrite(obj, false)
	}
	return err
}

func (c *trackingClient) Delete(ctx context.Context, obj client.Object, opts ...client.DeleteOption) error {
	err := c.Client.Delete(ctx, obj, opts...)
	if err == nil {
		c.b.recordWrite(obj, true)
	}
	return err
}

// appliedObject is what an unstructured apply configuration offers after the
// apiserver's answer has been decoded into it.
type appliedObject interface {
	client.Object
	GroupVersionKind() schema.GroupVersionKind
}

func (c *trackingClient) Apply(ctx context.Context, obj runtime.ApplyConfiguration, opts ...client.ApplyOption) error {
	err := c.Client.Apply(ctx, obj, opts...)
	if o, ok := obj.(appliedObject); ok && err == nil {
		c.b.recordWrite(o, false)
	}
	return err
}

func (c *trackingClient) Status() client.SubResourceWriter {
	return &trackingStatus{SubResourceWriter: c.Client.Status(), b: c.b}
}

type trackingStatus struct {
	client.SubResourceWriter
	b *Barrier
}

func (s *trackingStatus) Update(ctx context.Context, obj client.Object, opts ...client.SubResourceUpdateOption) error {
	err := s.SubResourceWriter.Update(ctx, obj, opts...)
	if err == nil {
		s.b.recordWrite(obj, false)
	}
	return err
}

func (s *trackingStatus) Patch(ctx context.Context, obj client.Object, patch client.Patch, opts ...client.SubResourcePatchOption) error {
	err := s.SubResourceWriter.Patch(ctx, obj, patch, opts...)
	if err == nil {
		s.b.recordWrite(obj, false)
	}
	return err
}
