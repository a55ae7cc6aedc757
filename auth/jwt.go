package auth

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"time"
)

// jwtClaims are the claims acb reads from tokens, without verifying them:
// the tenant of an Entra ID token and the expiry of an ACR refresh token.
type jwtClaims struct {
	Tenant string `json:"tid"`
	Expiry int64  `json:"exp"`
}

// parseJWT decodes the payload of a JWT-shaped token. ok is false when the
// token is not one.
func parseJWT(token string) (c jwtClaims, ok bool) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return c, false
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return c, false
	}
	if err := json.Unmarshal(raw, &c); err != nil {
		return c, false
	}
	return c, true
}

// tenantOf returns the tid claim of an Entra ID token, or "".
func tenantOf(token string) string {
	c, _ := parseJWT(token)
	return c.Tenant
}

// expiryOf returns the exp claim of a token, or the zero time.
func expiryOf(token string) time.Time {
	c, ok := parseJWT(token)
	if !ok || c.Expiry <= 0 {
		return time.Time{}
	}
	return time.Unix(c.Expiry, 0)
}
