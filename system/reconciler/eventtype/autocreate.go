package eventtype

import (
	"context"
	"crypto/md5" //nolint:gosec // a name, as Knative derives it, not a secret
	"fmt"
	"regexp"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/validation"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/knsim/knsim/system/apis/duck"
	eventingv1beta2 "github.com/knsim/knsim/system/apis/eventing/v1beta2"
	"github.com/knsim/knsim/system/config/features"
	"github.com/knsim/knsim/system/resolver"
)

// Auto-creation of EventTypes, as Knative's broker ingress and channel
// dispatchers do (knative.dev/eventing pkg/eventtype/eventtypes.go, the
// v1beta2 form): with eventtype-auto-create enabled in knative-eventing's
// config-features, every event a Broker or channel takes registers an
// EventType named by AutoName in the Broker's or channel's namespace,
// referencing and owned by it, unless one by that name exists.

// AutoDescription is the description Knative gives auto-created EventTypes.
const AutoDescription = "Event Type auto-created by controller"

// Seen is an event a Broker or channel took: what names its EventType.
type Seen struct {
	// Ref is the Broker or channel (apiVersion, kind, namespace, name).
	Ref duck.KReference
	// Type, Source and Schema are the event's CloudEvents type, source and
	// dataschema.
	Type, Source, Schema string
}

// AutoName is Knative's name of the EventType of events of ceType from
// ceSource seen by the object name in namespace: "et-<name>-" and the MD5
// of type, source, namespace and name, made a DNS-1123 subdomain.
func AutoName(name, namespace, ceType, ceSource string) string {
	sum := md5.Sum([]byte(ceType + ceSource + namespace + name)) //nolint:gosec
	return toDNS1123Subdomain(fmt.Sprintf("et-%s-%x", name, sum))
}

var invalidChars = regexp.MustCompile(`[^-.a-z0-9]+`)

// toDNS1123Subdomain is Knative's utils.ToDNS1123Subdomain: a name that is
// not a subdomain is cut (leaving room for a generated suffix),
// lowercased, stripped of other characters and of leading and trailing
// '-' and '.'.
func toDNS1123Subdomain(name string) string {
	if len(validation.IsDNS1123Subdomain(name)) == 0 {
		return name
	}
	if len(name) > validation.DNS1123SubdomainMaxLength {
		name = name[:validation.DNS1123SubdomainMaxLength-10]
	}
	name = invalidChars.ReplaceAllString(strings.ToLower(name), "")
	return strings.Trim(name, "-.")
}

// AutoEventType builds the EventType of s, owned by the object of ownerUID.
func AutoEventType(s Seen, ownerUID string) *eventingv1beta2.EventType {
	ref := s.Ref
	return &eventingv1beta2.EventType{
		ObjectMeta: metav1.ObjectMeta{
			Name:      AutoName(ref.Name, ref.Namespace, s.Type, s.Source),
			Namespace: ref.Namespace,
			OwnerReferences: []metav1.OwnerReference{{
				APIVersion: ref.APIVersion, Kind: ref.Kind, Name: ref.Name, UID: types.UID(ownerUID),
			}},
		},
		Spec: eventingv1beta2.EventTypeSpec{
			Type: s.Type, Source: s.Source, Schema: s.Schema,
			Reference: &ref, Description: AutoDescription,
		},
	}
}

// AutoCreate creates the EventTypes of what was seen, in order, when
// knative-eventing's config-features enables eventtype-auto-create; it
// returns how many it created and whether the flag was on. An EventType
// that exists is left alone, and none is made for a Broker or channel that
// is gone.
func AutoCreate(ctx context.Context, c client.Client, seen []Seen) (created int, enabled bool, err error) {
	if len(seen) == 0 {
		return 0, false, nil
	}
	f, err := features.ReadEventing(ctx, c)
	if err != nil || !f.EventTypeAutoCreate.On() {
		return 0, false, err
	}
	for _, s := range seen {
		uid, err := ownerUID(ctx, c, s.Ref)
		switch {
		case apierrors.IsNotFound(err):
			continue
		case err != nil:
			return created, true, err
		}
		et := AutoEventType(s, uid)
		switch err := c.Create(ctx, et); {
		case apierrors.IsAlreadyExists(err):
		case err != nil:
			return created, true, fmt.Errorf("creating EventType %s/%s: %w", et.Namespace, et.Name, err)
		default:
			created++
		}
	}
	return created, true, nil
}

// ownerUID reads the UID of the referenced object.
func ownerUID(ctx context.Context, c client.Reader, ref duck.KReference) (string, error) {
	gvk, err := resolver.GVK(ref)
	if err != nil {
		return "", err
	}
	u := &unstructured.Unstructured{}
	u.SetGroupVersionKind(gvk)
	if err := c.Get(ctx, client.ObjectKey{Namespace: ref.Namespace, Name: ref.Name}, u); err != nil {
		return "", err
	}
	return string(u.GetUID()), nil
}
