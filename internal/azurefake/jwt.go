package azurefake

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
)

// JWT returns an unsigned, JWT-shaped token (header.payload.signature, each
// base64url-encoded) carrying claims. The signature part is random, so two
// calls with the same claims still give distinct tokens.
func JWT(claims map[string]any) string {
	header, _ := json.Marshal(map[string]string{"alg": "RS256", "typ": "JWT"})
	payload, err := json.Marshal(claims)
	if err != nil {
		panic(fmt.Sprintf("azurefake: marshal claims: %v", err)) // claims are built by this package
	}
	enc := base64.RawURLEncoding
	return enc.EncodeToString(header) + "." + enc.EncodeToString(payload) + "." + enc.EncodeToString([]byte(randomHex(16)))
}

// Claims decodes the payload of a JWT-shaped token without verifying it.
func Claims(token string) (map[string]any, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, fmt.Errorf("token is not JWT-shaped")
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return nil, fmt.Errorf("decode token payload: %w", err)
	}
	var claims map[string]any
	if err := json.Unmarshal(raw, &claims); err != nil {
		return nil, fmt.Errorf("parse token payload: %w", err)
	}
	return claims, nil
}

// NewGUID returns a random GUID in the canonical 8-4-4-4-12 form.
func NewGUID() string {
	h := randomHex(16)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("azurefake: random: %v", err)) // crypto/rand does not fail on supported platforms
	}
	return hex.EncodeToString(b)
}
