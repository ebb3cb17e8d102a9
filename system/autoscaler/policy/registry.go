package policy

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/knsim/knsim/system/apis/autoscaling"
)

// Factory builds the Policy of one revision; it returns an error naming
// the annotation at fault when Params are invalid.
type Factory func(Params) (Policy, error)

// Registry maps autoscaler class names to the Factory of their policy. It
// is safe for concurrent use.
type Registry struct {
	mu        sync.RWMutex
	factories map[string]Factory
}

// Default is the registry the control planes' multiscalers use; knsim's
// own policies (keepalive, hybrid) are registered in it by the multiscaler
// package.
var Default = NewRegistry()

// NewRegistry returns an empty Registry.
func NewRegistry() *Registry { return &Registry{factories: map[string]Factory{}} }

// Register adds class. The Knative classes (KPA, HPA) are built in and
// cannot be registered; neither can a class twice.
func (r *Registry) Register(class string, f Factory) error {
	switch {
	case strings.TrimSpace(class) == "":
		return errors.New("policy: class name is empty")
	case f == nil:
		return fmt.Errorf("policy: class %q: nil Factory", class)
	case class == autoscaling.KPA || class == autoscaling.HPA:
		return fmt.Errorf("policy: class %q is built in and cannot be registered", class)
	case strings.HasSuffix(class, ".knative.dev"):
		return fmt.Errorf("policy: class %q: the knative.dev domain is Knative's own", class)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.factories[class]; ok {
		return fmt.Errorf("policy: class %q is already registered", class)
	}
	r.factories[class] = f
	return nil
}

// MustRegister is Register that panics on error, for package init.
func (r *Registry) MustRegister(class string, f Factory) {
	if err := r.Register(class, f); err != nil {
		panic(err)
	}
}

// Lookup returns the Factory registered for class.
func (r *Registry) Lookup(class string) (Factory, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	f, ok := r.factories[class]
	return f, ok
}

// Classes lists the registered classes, sorted.
func (r *Registry) Classes() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]string, 0, len(r.factories))
	for c := range r.factories {
		out = append(out, c)
	}
	slices.Sort(out)
	return out
}

// New builds the Policy of a revision of class p.Class.
func (r *Registry) New(p Params) (Policy, error) {
	f, ok := r.Lookup(p.Class)
	if !ok {
		return nil, fmt.Errorf("policy: no policy registered for %s %q", autoscaling.ClassAnnotationKey, p.Class)
	}
	pol, err := f(p)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", autoscaling.ClassAnnotationKey, p.Class, err)
	}
	return pol, nil
}
