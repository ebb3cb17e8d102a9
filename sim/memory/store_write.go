package memory

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"

	jsonpatch "github.com/evanphx/json-patch/v5"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"k8s.io/apimachinery/pkg/util/strategicpatch"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// typed returns obj as the kind's typed object: obj itself, or a typed
// copy of an unstructured object.
func (ks *kindStore) typed(obj client.Object) (client.Object, error) {
	if reflect.TypeOf(obj) == ks.typ {
		return obj, nil
	}
	u, ok := obj.(*unstructured.Unstructured)
	if !ok {
		return nil, fmt.Errorf("memory: writing a %T as %s", obj, ks.typ)
	}
	t := ks.zero()
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, t); err != nil {
		return nil, fmt.Errorf("memory: %s %q: %w", u.GetKind(), u.GetName(), err)
	}
	return t, nil
}

// zero returns a new empty object of the kind.
func (ks *kindStore) zero() client.Object {
	return reflect.New(ks.typ.Elem()).Interface().(client.Object)
}

// labelsOf returns o's labels, nil for no object.
func labelsOf(o client.Object) labels.Set {
	if o == nil {
		return nil
	}
	if l := o.GetLabels(); l != nil {
		return labels.Set(l)
	}
	// An object without labels exists: an empty set, not nil.
	return labels.Set{}
}

// stored is what a write stored (nil when it deleted the object): the
// caller's object takes its value, as a client decodes the answer.
func (s *store) answer(gvk schema.GroupVersionKind, stored client.Object, obj client.Object) error {
	if stored == nil {
		return nil
	}
	return s.into(gvk, stored, obj)
}

// notify tells onWrite of a write.
func (s *store) notify(ch change) {
	if s.onWrite != nil {
		s.onWrite(ch)
	}
}

func isDryRun(dryRun []string) bool { return slices.Contains(dryRun, metav1.DryRunAll) }

// Create implements client.Writer.
func (s *store) Create(ctx context.Context, obj client.Object, opts ...client.CreateOption) error {
	if isDryRun((&client.CreateOptions{}).ApplyOptions(opts).DryRun) {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	gvk, ks, err := s.kindOf(obj)
	if err != nil {
		return err
	}
	t, err := ks.typed(obj)
	if err != nil {
		return err
	}
	if t.GetName() == "" && t.GetGenerateName() != "" {
		// A refused create leaves the caller's object as it was.
		if t == obj {
			t = t.DeepCopyObject().(client.Object)
		}
		// Deterministic where an apiserver picks 5 random characters.
		s.names++
		t.SetName(t.GetGenerateName() + fmt.Sprintf("%05x", s.names%0x100000))
	}
	stored, err := s.create(gvk, ks, t)
	if err != nil {
		return err
	}
	s.notify(change{gvk: gvk, key: client.ObjectKeyFromObject(stored), after: labelsOf(stored)})
	return s.answer(gvk, stored, obj)
}

// create stores a new object t (the caller holds s.mu).
func (s *store) create(gvk schema.GroupVersionKind, ks *kindStore, t client.Object) (client.Object, error) {
	if t.GetName() == "" {
		return nil, apierrors.NewInvalid(gvk.GroupKind(), "", field.ErrorList{field.Required(field.NewPath("metadata.name"), "name is required")})
	}
	if t.GetResourceVersion() != "" {
		return nil, apierrors.NewBadRequest("resourceVersion can not be set for Create requests")
	}
	key := client.ObjectKeyFromObject(t)
	if _, exists := ks.objs[key]; exists {
		return nil, apierrors.NewAlreadyExists(ks.gvr.GroupResource(), t.GetName())
	}
	n := t.DeepCopyObject().(client.Object)
	n.SetDeletionTimestamp(nil)
	n.SetResourceVersion("1")
	stored, err := ks.normalize(n)
	if err != nil {
		return nil, err
	}
	ks.put(key, stored)
	return stored, nil
}

// Update implements client.Writer.
func (s *store) Update(ctx context.Context, obj client.Object, opts ...client.UpdateOption) error {
	if isDryRun((&client.UpdateOptions{}).ApplyOptions(opts).DryRun) {
		return nil
	}
	return s.update(obj, false)
}

// update writes obj, or with isStatus only its status.
func (s *store) update(obj client.Object, isStatus bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	gvk, ks, err := s.kindOf(obj)
	if err != nil {
		return err
	}
	t, err := ks.typed(obj)
	if err != nil {
		return err
	}
	if t.GetName() == "" {
		return apierrors.NewInvalid(gvk.GroupKind(), "", field.ErrorList{field.Required(field.NewPath("metadata.name"), "name is required")})
	}
	key := client.ObjectKeyFromObject(t)
	old, ok := ks.objs[key]
	switch {
	case !ok && !isStatus && allowsCreateOnUpdate(gvk):
		t = t.DeepCopyObject().(client.Object)
		t.SetResourceVersion("")
		stored, err := s.create(gvk, ks, t)
		if err != nil {
			return err
		}
		s.notify(change{gvk: gvk, key: key, after: labelsOf(stored)})
		return s.answer(gvk, stored, obj)
	case !ok:
		return ks.notFound(key.Name)
	case isStatus && !s.status[gvk]:
		return ks.notFound(key.Name)
	}
	var n client.Object
	var keep []string // fields that hold stored values
	switch {
	case isStatus:
		// Everything but the status stays as stored.
		n = old.DeepCopyObject().(client.Object)
		copyStatus(n, t)
		n.SetResourceVersion(t.GetResourceVersion())
		keep = storedButStatus(n)
	case s.status[gvk]:
		// The status stays as stored.
		n = t.DeepCopyObject().(client.Object)
		copyStatus(n, old)
		keep = []string{"Status"}
	default:
		n = t.DeepCopyObject().(client.Object)
	}
	if !isStatus {
		// An apiserver moves metadata.generation exactly when the spec
		// changes; what the client sent is ignored.
		n.SetGeneration(old.GetGeneration())
	}
	stored, err := s.replace(gvk, ks, old, n, false, keep...)
	if err != nil {
		return err
	}
	if stored != nil && !isStatus && !equality.Semantic.DeepEqual(specOf(old), specOf(stored)) {
		stored.SetGeneration(old.GetGeneration() + 1)
	}
	s.notify(change{gvk: gvk, key: key, before: labelsOf(old), after: labelsOf(stored)})
	return s.answer(gvk, stored, obj)
}

// specOf returns o's spec (nil for kinds without one).
func specOf(o client.Object) any {
	if f := reflect.ValueOf(o).Elem().FieldByName("Spec"); f.IsValid() {
		return f.Interface()
	}
	return nil
}

// replace stores n over old after an apiserver's checks: the
// resourceVersion must match (or be empty for kinds that allow
// unconditional updates) and moves on; the deletionTimestamp cannot change
// but by a delete; a deleted object whose last finalizer goes is removed
// (stored is then nil).
//
// keep names the top-level fields of n that hold values read from the
// store, which need no normalizing.
func (s *store) replace(gvk schema.GroupVersionKind, ks *kindStore, old, n client.Object, deleting bool, keep ...string) (client.Object, error) {
	if n.GetResourceVersion() == "" && allowsUnconditionalUpdate(gvk) {
		n.SetResourceVersion(old.GetResourceVersion())
	}
	if n.GetResourceVersion() != old.GetResourceVersion() {
		return nil, apierrors.NewConflict(ks.gvr.GroupResource(), n.GetName(), errors.New("object was modified"))
	}
	rv, err := strconv.ParseUint(old.GetResourceVersion(), 10, 64)
	if err != nil {
		return nil, fmt.Errorf("memory: resourceVersion %q of %s %q: %w", old.GetResourceVersion(), ks.gvr.Resource, old.GetName(), err)
	}
	n.SetResourceVersion(strconv.FormatUint(rv+1, 10))
	if !deleting && !n.GetDeletionTimestamp().Equal(old.GetDeletionTimestamp()) {
		return nil, fmt.Errorf("error: Unable to edit %s: metadata.deletionTimestamp field is immutable", n.GetName())
	}
	key := client.ObjectKeyFromObject(n)
	if n.GetDeletionTimestamp() != nil && len(n.GetFinalizers()) == 0 {
		ks.put(key, nil)
		return nil, nil
	}
	if err := ks.normalizeAgainst(n, old, keep...); err != nil {
		return nil, err
	}
	ks.put(key, n)
	return n, nil
}

// storedButStatus names o's top-level fields but Status: a status write
// keeps them as stored (but for the resourceVersion, a plain string).
func storedButStatus(o client.Object) []string {
	var keep []string
	t := reflect.TypeOf(o).Elem()
	for i := range t.NumField() {
		if f := t.Field(i); f.Type != typeMetaType && f.Name != "Status" {
			keep = append(keep, f.Name)
		}
	}
	return keep
}

// typeMetaType is the type of the inline TypeMeta field objects embed.
var typeMetaType = reflect.TypeOf(metav1.TypeMeta{})

// copyStatus sets dst's status to a copy of src's (both of one kind).
func copyStatus(dst, src client.Object) {
	d := reflect.ValueOf(dst).Elem().FieldByName("Status")
	v := reflect.ValueOf(src.DeepCopyObject()).Elem().FieldByName("Status")
	if d.IsValid() && v.IsValid() {
		d.Set(v)
	}
}

// Delete implements client.Writer: an object with finalizers is only
// marked deleted (at the virtual now), as an apiserver does.
func (s *store) Delete(ctx context.Context, obj client.Object, opts ...client.DeleteOption) error {
	do := (&client.DeleteOptions{}).ApplyOptions(opts)
	if isDryRun(do.DryRun) {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	gvk, ks, err := s.kindOf(obj)
	if err != nil {
		return err
	}
	key := client.ObjectKeyFromObject(obj)
	old, ok := ks.objs[key]
	if !ok {
		return ks.notFound(key.Name)
	}
	if p := do.Preconditions; p != nil && p.ResourceVersion != nil && *p.ResourceVersion != old.GetResourceVersion() {
		return apierrors.NewConflict(ks.gvr.GroupResource(), key.Name, fmt.Errorf(
			"the ResourceVersion in the precondition (%s) does not match the ResourceVersion in record (%s). The object might have been modified",
			*p.ResourceVersion, old.GetResourceVersion()))
	}
	if f := propagationFinalizer(do.PropagationPolicy); f != "" && old.GetDeletionTimestamp() == nil && !slices.Contains(old.GetFinalizers(), f) {
		// As an apiserver does, the owner waits for the garbage collector
		// on foreground or orphan propagation.
		with := old.DeepCopyObject().(client.Object)
		with.SetFinalizers(append(with.GetFinalizers(), f))
		old = with
	}
	return s.delete(gvk, ks, old)
}

// propagationFinalizer is the finalizer a delete with propagation policy p
// puts on the object ("" for background, the default).
func propagationFinalizer(p *metav1.DeletionPropagation) string {
	switch {
	case p == nil:
		return ""
	case *p == metav1.DeletePropagationForeground:
		return metav1.FinalizerDeleteDependents
	case *p == metav1.DeletePropagationOrphan:
		return metav1.FinalizerOrphanDependents
	}
	return ""
}

// delete deletes old, or marks it deleted when it has finalizers (the
// caller holds s.mu).
func (s *store) delete(gvk schema.GroupVersionKind, ks *kindStore, old client.Object) error {
	key := client.ObjectKeyFromObject(old)
	var stored client.Object
	switch {
	case len(old.GetFinalizers()) == 0:
		ks.put(key, nil)
	case old.GetDeletionTimestamp() != nil:
		// Already being deleted: nothing changes.
		return nil
	default:
		n := old.DeepCopyObject().(client.Object)
		now := metav1.NewTime(s.clock.Now())
		n.SetDeletionTimestamp(&now)
		var err error
		if stored, err = s.replace(gvk, ks, old, n, true); err != nil {
			return err
		}
	}
	s.notify(change{gvk: gvk, key: key, before: labelsOf(old), after: labelsOf(stored), deleting: stored != nil})
	return nil
}

// DeleteAllOf implements client.Writer.
func (s *store) DeleteAllOf(ctx context.Context, obj client.Object, opts ...client.DeleteAllOfOption) error {
	do := (&client.DeleteAllOfOptions{}).ApplyOptions(opts)
	if isDryRun(do.DryRun) {
		return nil
	}
	if do.FieldSelector != nil && !do.FieldSelector.Empty() {
		return apierrors.NewBadRequest(fmt.Sprintf("memory: field selector %s: the memory control plane has no field indexes", do.FieldSelector))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	gvk, ks, err := s.kindOf(obj)
	if err != nil {
		return err
	}
	for _, k := range slices.Clone(ks.keys(do.Namespace)) {
		o := ks.objs[k]
		if do.LabelSelector != nil && !do.LabelSelector.Matches(labels.Set(o.GetLabels())) {
			continue
		}
		if err := s.delete(gvk, ks, o); err != nil {
			return err
		}
	}
	return nil
}

// Patch implements client.Writer: JSON, merge and strategic merge patches.
func (s *store) Patch(ctx context.Context, obj client.Object, patch client.Patch, opts ...client.PatchOption) error {
	if isDryRun((&client.PatchOptions{}).ApplyOptions(opts).DryRun) {
		return nil
	}
	return s.patch(obj, patch, false)
}

// patch applies patch to the stored object and writes the result (only its
// status with isStatus).
func (s *store) patch(obj client.Object, patch client.Patch, isStatus bool) error {
	data, err := patch.Data(obj)
	if err != nil {
		return err
	}
	s.mu.Lock()
	gvk, ks, err := s.kindOf(obj)
	if err != nil {
		s.mu.Unlock()
		return err
	}
	old, ok := ks.objs[client.ObjectKeyFromObject(obj)]
	s.mu.Unlock()
	if !ok {
		return ks.notFound(obj.GetName())
	}
	orig, err := json.Marshal(old)
	if err != nil {
		return err
	}
	var patched []byte
	switch patch.Type() {
	case types.JSONPatchType:
		p, err := jsonpatch.DecodePatch(data)
		if err != nil {
			return apierrors.NewBadRequest(err.Error())
		}
		patched, err = p.Apply(orig)
		if err != nil {
			return apierrors.NewBadRequest(err.Error())
		}
	case types.MergePatchType:
		if patched, err = jsonpatch.MergePatch(orig, data); err != nil {
			return apierrors.NewBadRequest(err.Error())
		}
	case types.StrategicMergePatchType:
		if patched, err = strategicpatch.StrategicMergePatch(orig, data, ks.zero()); err != nil {
			return apierrors.NewBadRequest(err.Error())
		}
	default:
		return errNoApply
	}
	n := ks.zero()
	if err := utiljson.Unmarshal(patched, n); err != nil {
		return apierrors.NewBadRequest(err.Error())
	}
	if n.GetResourceVersion() == "" {
		n.SetResourceVersion(old.GetResourceVersion())
	}
	if err := s.update(n, isStatus); err != nil {
		return err
	}
	return s.answer(gvk, n, obj)
}

// Apply implements client.Writer; the store serves no server-side apply.
func (s *store) Apply(ctx context.Context, obj runtime.ApplyConfiguration, opts ...client.ApplyOption) error {
	return errNoApply
}

// Status implements client.StatusClient.
func (s *store) Status() client.SubResourceWriter { return statusWriter{s} }

// SubResource implements client.SubResourceClientConstructor; only status
// is served.
func (s *store) SubResource(name string) client.SubResourceClient {
	return subResource{statusWriter{s}, name}
}

// statusWriter writes the status subresource.
type statusWriter struct{ s *store }

func (w statusWriter) Create(ctx context.Context, obj, sub client.Object, opts ...client.SubResourceCreateOption) error {
	return errNoSubresource("status create")
}

func (w statusWriter) Update(ctx context.Context, obj client.Object, opts ...client.SubResourceUpdateOption) error {
	if isDryRun((&client.SubResourceUpdateOptions{}).ApplyOptions(opts).DryRun) {
		return nil
	}
	return w.s.update(obj, true)
}

func (w statusWriter) Patch(ctx context.Context, obj client.Object, patch client.Patch, opts ...client.SubResourcePatchOption) error {
	if isDryRun((&client.SubResourcePatchOptions{}).ApplyOptions(opts).DryRun) {
		return nil
	}
	return w.s.patch(obj, patch, true)
}

func (w statusWriter) Apply(ctx context.Context, obj runtime.ApplyConfiguration, opts ...client.SubResourceApplyOption) error {
	return errNoApply
}

// subResource serves a named subresource: status writes only.
type subResource struct {
	status statusWriter
	name   string
}

func (r subResource) Get(ctx context.Context, obj, sub client.Object, opts ...client.SubResourceGetOption) error {
	return errNoSubresource(r.name)
}

func (r subResource) Create(ctx context.Context, obj, sub client.Object, opts ...client.SubResourceCreateOption) error {
	return errNoSubresource(r.name)
}

func (r subResource) Update(ctx context.Context, obj client.Object, opts ...client.SubResourceUpdateOption) error {
	if r.name != "status" {
		return errNoSubresource(r.name)
	}
	return r.status.Update(ctx, obj, opts...)
}

func (r subResource) Patch(ctx context.Context, obj client.Object, patch client.Patch, opts ...client.SubResourcePatchOption) error {
	if r.name != "status" {
		return errNoSubresource(r.name)
	}
	return r.status.Patch(ctx, obj, patch, opts...)
}

func (r subResource) Apply(ctx context.Context, obj runtime.ApplyConfiguration, opts ...client.SubResourceApplyOption) error {
	return errNoApply
}

// allowsUnconditionalUpdate lists the built-in kinds an apiserver updates
// without a resourceVersion.
func allowsUnconditionalUpdate(gvk schema.GroupVersionKind) bool {
	switch gvk.Group {
	case "apps":
		return slices.Contains([]string{"ControllerRevision", "DaemonSet", "Deployment", "ReplicaSet", "StatefulSet"}, gvk.Kind)
	case "":
		return slices.Contains([]string{"ConfigMap", "Endpoint", "Event", "LimitRange", "Namespace", "Node",
			"PersistentVolume", "PersistentVolumeClaim", "Pod", "PodTemplate", "ReplicationController",
			"ResourceQuota", "Secret", "Service", "ServiceAccount", "EndpointSlice"}, gvk.Kind)
	}
	return false
}

// allowsCreateOnUpdate lists the built-in kinds an update creates when
// missing.
func allowsCreateOnUpdate(gvk schema.GroupVersionKind) bool {
	return gvk.Group == "" && slices.Contains([]string{"Endpoint", "Event", "LimitRange", "Service"}, gvk.Kind)
}
