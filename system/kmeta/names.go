package kmeta

import (
	"crypto/md5" //nolint:gosec // a name hash, not a secret
	"encoding/hex"
	"strings"
)

// maxNameLength is the longest DNS-1123 label Kubernetes takes as a name.
const maxNameLength = 63

// ChildName is the name of a child object: parent+suffix, as Knative's
// kmeta.ChildName builds it. When that is longer than 63 characters the
// parent is cut short and the MD5 of the whole parent spliced in, so long
// parents still give distinct, valid names; a suffix too long to leave room
// for the hash is hashed together with the parent.
func ChildName(parent, suffix string) string {
	if len(parent)+len(suffix) <= maxNameLength {
		return parent + suffix
	}
	const hashLen = md5.Size * 2
	head := maxNameLength - hashLen
	if head-len(suffix) <= 0 {
		sum := md5.Sum([]byte(parent + suffix)) //nolint:gosec // see above
		if len(parent) > head {
			parent = parent[:head]
		}
		name := parent + hex.EncodeToString(sum[:])
		if room := maxNameLength - len(name); room > 0 {
			name += suffix[:room]
		}
		return trimToAlphanumeric(name)
	}
	sum := md5.Sum([]byte(parent)) //nolint:gosec // see above
	return parent[:head-len(suffix)] + hex.EncodeToString(sum[:]) + suffix
}

// trimToAlphanumeric drops trailing characters a DNS-1123 label may not end
// with.
func trimToAlphanumeric(name string) string {
	return strings.TrimRightFunc(name, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	})
}
