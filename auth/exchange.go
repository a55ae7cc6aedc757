package auth

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/acb-dev/acb/internal/loopback"
)

// isLoopback reports whether a registry host[:port] is on loopback.
func isLoopback(registry string) bool { return loopback.Host(registry) }

// UserAgent is the User-Agent of acb's requests to registries, the value
// the reference engine sends.
const UserAgent = "azure/acr/tasks"

// Exchanger trades Entra ID access tokens for ACR refresh tokens with
// `POST https://R/oauth2/exchange`. The zero value is ready to use.
type Exchanger struct {
	// Client sends the requests; nil means http.DefaultClient.
	Client *http.Client
	// Scheme is "https" or "http". Empty means https, except for registries
	// on loopback (localhost, 127.0.0.0/8, ::1), which get http as the
	// Docker engine treats them as insecure too.
	Scheme string
}

// StatusError is an unexpected HTTP answer from a registry's token service.
type StatusError struct {
	// Op is the endpoint, such as "oauth2/exchange".
	Op string
	// StatusCode is the HTTP status code.
	StatusCode int
}

// Error implements error.
func (e *StatusError) Error() string {
	return fmt.Sprintf("%s answered HTTP %d %s", e.Op, e.StatusCode, http.StatusText(e.StatusCode))
}

// Exchange posts aadToken to registry's /oauth2/exchange, with tenant when
// not empty, and returns the refresh token. The tokens never appear in
// errors.
func (e *Exchanger) Exchange(ctx context.Context, registry, tenant, aadToken string) (string, error) {
	scheme := e.Scheme
	if scheme == "" {
		scheme = "https"
		if isLoopback(registry) {
			scheme = "http"
		}
	}
	form := url.Values{"grant_type": {"access_token"}, "service": {registry}, "access_token": {aadToken}}
	if tenant != "" {
		form.Set("tenant", tenant)
	}
	u := scheme + "://" + registry + "/oauth2/exchange"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, strings.NewReader(form.Encode()))
	if err != nil {
		return "", fmt.Errorf("exchange token with %s: %w", registry, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("User-Agent", UserAgent)
	client := e.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return "", fmt.Errorf("exchange token with %s: %w", registry, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", &StatusError{Op: "oauth2/exchange", StatusCode: resp.StatusCode}
	}
	var body struct {
		RefreshToken string `json:"refresh_token"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&body); err != nil {
		return "", fmt.Errorf("exchange token with %s: decode answer: %w", registry, err)
	}
	if body.RefreshToken == "" {
		return "", fmt.Errorf("exchange token with %s: answer has no refresh_token", registry)
	}
	return body.RefreshToken, nil
}
