package secrets

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
)

// maxDetail bounds the text quoted from an underlying error or a vault
// answer.
const maxDetail = 300

// classify turns the failure err of reading su (within sctx, derived from
// the caller's ctx) into a SecretError with a clear, scrubbed cause.
func (kv *KeyVault) classify(ctx, sctx context.Context, r Ref, su *SecretURL, err error) *SecretError {
	se := &SecretError{ID: r.ID, URL: su.String(), Err: err}
	who := identityName(r.ClientID)
	var (
		te *tokenError
		re *azcore.ResponseError
	)
	switch {
	case ctx.Err() != nil:
		se.Kind = ctx.Err()
		se.Detail = "not resolved: " + ctx.Err().Error()
	case errors.Is(sctx.Err(), context.DeadlineExceeded):
		se.Kind = ErrTimeout
		step := su.VaultURL + " did not answer"
		if errors.As(err, &te) {
			step = who + " got no token"
		}
		se.Detail = fmt.Sprintf("%s within %s (vault unreachable or too slow; check the network and the identity's permissions)", step, kv.opts.Timeout)
	case errors.As(err, &te):
		se.Kind = ErrIdentity
		se.Detail = who + " could not get a token for " + su.VaultURL + ": " + kv.summary(te.err)
	case errors.As(err, &re):
		se.Detail, se.Kind = kv.vaultStatus(re, su, who)
	case isNetError(err):
		se.Kind = ErrUnreachable
		se.Detail = su.VaultURL + " is unreachable: " + kv.summary(unwrapURLError(err))
	default:
		se.Kind = ErrVault
		se.Detail = "reading from " + su.VaultURL + " failed: " + kv.summary(unwrapURLError(err))
	}
	return se
}

// vaultStatus explains an error status from the vault: the detail and the
// kind of the failure.
func (kv *KeyVault) vaultStatus(re *azcore.ResponseError, su *SecretURL, who string) (string, error) {
	says := kv.vaultSays(re, re.StatusCode != http.StatusNotFound)
	switch re.StatusCode {
	case http.StatusForbidden:
		return fmt.Sprintf("%s lacks \"get\" permission on the secrets of %s%s; grant it with "+
			"\"az keyvault set-policy --secret-permissions get\" or the Key Vault Secrets User role", who, su.VaultURL, says), ErrForbidden
	case http.StatusNotFound:
		if su.Version != "" {
			return fmt.Sprintf("%s has no secret %q with version %q%s", su.VaultURL, su.Name, su.Version, says), ErrNotFound
		}
		return fmt.Sprintf("%s has no secret %q%s", su.VaultURL, su.Name, says), ErrNotFound
	case http.StatusUnauthorized:
		return fmt.Sprintf("%s rejected the token of %s%s", su.VaultURL, who, says), ErrIdentity
	}
	return su.VaultURL + " answered with an error" + says, ErrVault
}

// vaultSays quotes the status, error code and, if withMessage, the message
// of a vault answer, scrubbed: " (HTTP 403 Forbidden: message)".
func (kv *KeyVault) vaultSays(re *azcore.ResponseError, withMessage bool) string {
	s := fmt.Sprintf(" (HTTP %d", re.StatusCode)
	if re.ErrorCode != "" {
		s += " " + re.ErrorCode
	}
	if withMessage && re.RawResponse != nil {
		if body, err := runtime.Payload(re.RawResponse); err == nil {
			var e struct {
				Error struct {
					Message string `json:"message"`
				} `json:"error"`
			}
			if json.Unmarshal(body, &e) == nil && e.Error.Message != "" {
				s += ": " + kv.scrub(e.Error.Message)
			}
		}
	}
	return s + ")"
}

// summary returns the first part of err's text, on one line, scrubbed:
// SDK errors append raw responses after a dashed separator.
func (kv *KeyVault) summary(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, "\n---"); i >= 0 {
		msg = msg[:i]
	}
	return kv.scrub(msg)
}

// scrub masks every token and value seen so far in s, puts it on one line
// and shortens it.
func (kv *KeyVault) scrub(s string) string {
	s = strings.Join(strings.Fields(kv.redact.String(s)), " ")
	if r := []rune(s); len(r) > maxDetail {
		s = string(r[:maxDetail]) + "…"
	}
	return s
}

// isNetError reports whether err is a transport failure: DNS, connection,
// TLS.
func isNetError(err error) bool {
	var (
		ne net.Error
		ue *url.Error
	)
	return errors.As(err, &ne) || errors.As(err, &ue)
}

// unwrapURLError drops the request line net/http puts around transport
// errors.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
