package quota

import (
	"crypto/sha256"
	"encoding/hex"
)

// Fingerprint is a short, one-way hash of credential parts, for use in
// Target.Key: stable for the same credentials, never revealing them.
func Fingerprint(parts ...string) string {
	h := sha256.New()
	for _, s := range parts {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}
