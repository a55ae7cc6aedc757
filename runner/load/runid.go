package load

import (
	"crypto/rand"
	"math/big"
	"strings"
)

// NewRunID returns a short run id in the style ACR prints ("ca1x9z"): two
// letters and four random base-36 characters.
func NewRunID() string {
	const alphabet = "0123456789abcdefghijklmnopqrstuvwxyz"
	var b strings.Builder
	b.WriteString("ac")
	for range 4 {
		n, err := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
		if err != nil {
			// crypto/rand does not fail on Linux; fall back to a fixed digit.
			b.WriteByte('0')
			continue
		}
		b.WriteByte(alphabet[n.Int64()])
	}
	return b.String()
}
