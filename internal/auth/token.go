package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
)

// Prefixes of the secrets the service hands out, so that a leaked one is
// recognisable (secret scanners, logs reviews).
const (
	keyPrefix     = "bk_"
	sessionPrefix = "bs_"
	sharePrefix   = "bsh_"
)

// newSecret returns prefix and 32 random bytes in URL-safe base64.
func newSecret(prefix string) string {
	b := make([]byte, 32)
	rand.Read(b) // never fails (crypto/rand)
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}

// Digest is what the store keeps of a secret: its SHA-256. A secret has
// 256 random bits, so a fast hash suffices (no password-style stretching).
func Digest(secret string) []byte {
	d := sha256.Sum256([]byte(secret))
	return d[:]
}

// newID returns a short random identifier (API key ids).
func newID() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// NewShareToken returns a new share-link token and the digest to store.
func NewShareToken() (token string, digest []byte) {
	t := newSecret(sharePrefix)
	return t, Digest(t)
}
