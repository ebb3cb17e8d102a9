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

// durableFor is the consumer name of a subscription: its UID, with
// anything but letters, digits, '_' and '-' turned into '_'.
func durableFor(uid string) string {
	return shorten(unsafeDurable.ReplaceAllString(uid, "_"))
}

// shorten cuts s to maxNameLen, keeping it unique with a hash of all of s.
func shorten(s string) string {
	if len(s) <= maxNameLen {
		return s
	}
	sum := sha256.Sum256([]byte(s))
	return s[:maxNameLen-17] + "-" + hex.EncodeToString(sum[:8])
}
