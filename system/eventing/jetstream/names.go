package jetstream

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"

	"github.com/knsim/knsim/system/eventing/channel"
)

var (
	// dnsLabel is a Kubernetes namespace.
	dnsLabel = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)
	// dnsSubdomain is a Kubernetes object name.
	dnsSubdomain = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`)
	// unsafeDurable matches what may not be in a consumer name.
	unsafeDurable = regexp.MustCompile(`[^A-Za-z0-9_-]`)
)

// maxNameLen keeps stream and consumer names (which the file store uses as
// folder names) well under file system limits.
const maxNameLen = 200

// checkKey rejects names that are not a Kubernetes namespace and name.
func checkKey(k channel.Key) error {
	if len(k.Namespace) > 63 || !dnsLabel.MatchString(k.Namespace) {
		return fmt.Errorf("namespace %q: not a DNS label", k.Namespace)
	}
	if len(k.Name) > 253 || !dnsSubdomain.MatchString(k.Name) {
		return fmt.Errorf("name %q: not a DNS subdomain", k.Name)
	}
	return nil
}

// subjectFor is <prefix>.<namespace>.<name>, the name's dots turned into
// underscores so it stays one token (Kubernetes names have no '_').
func (c *Channels) subjectFor(k channel.Key) string {
	return c.cfg.SubjectPrefix + "." + k.Namespace + "." + strings.ReplaceAll(k.Name, ".", "_")
}

// streamFor is <prefix>_<namespace>_<name>, shortened with a hash when
// long. Namespaces have no '_', so distinct channels get distinct streams.
func (c *Channels) streamFor(k channel.Key) string {
	return shorten(c.cfg.StreamPrefix + "_" + k.Namespace + "_" + strings.ReplaceAll(k.Name, ".", "_"))
}

// durableFor is the consumer name of a subscriber. With the
// Subscription's namespace/name known (Subscriber.Name) it is
// "sub_<namespace>_<name>" (a name's dots turned into '_'), so the
// Subscription applied again on a fresh control plane, with a new UID,
// finds the consumer and the events it kept. Kubernetes namespaces and
// names have no '_', so distinct Subscriptions get distinct names. The
// stream is the channel's own, so the channel needs no place in the name.
// Without a name it is the UID, with anything but letters, digits, '_'
// and '-' turned into '_' (a UID has no '_' after "sub_", so the two
// forms never meet).
func durableFor(s *Subscriber) string {
	if s.Name != "" {
		return shorten(unsafeDurable.ReplaceAllString(namedPrefix+s.Name, "_"))
	}
	return shorten(unsafeDurable.ReplaceAllString(s.UID, "_"))
}

// namedPrefix starts the consumer names taken from a Subscription's
// namespace/name.
const namedPrefix = "sub_"

// checkSubscriberName accepts "" or a Kubernetes "namespace/name".
func checkSubscriberName(n string) error {
	if n == "" {
		return nil
	}
	ns, name, ok := strings.Cut(n, "/")
	if !ok {
		return fmt.Errorf("name %q: want namespace/name", n)
	}
	return checkKey(channel.Key{Namespace: ns, Name: name})
}

// shorten cuts s to maxNameLen, keeping it unique with a hash of all of s.
func shorten(s string) string {
	if len(s) <= maxNameLen {
		return s
	}
	sum := sha256.Sum256([]byte(s))
	return s[:maxNameLen-17] + "-" + hex.EncodeToString(sum[:8])
}

// Consumer metadata keys: which Subscription a consumer serves.
const (
	metaSubscription    = "knsim.dev/subscription"
	metaSubscriptionUID = "knsim.dev/subscription-uid"
)

// subscriberLabel names a subscriber in messages: namespace/name (uid),
// or the UID alone.
func subscriberLabel(s *Subscriber) string {
	if s.Name == "" {
		return s.UID
	}
	return s.Name + " (" + s.UID + ")"
}
