package auth

import (
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/acb-dev/acb/internal/azurefake"
)

// Tests in this package change the process environment (t.Setenv), so none
// of them runs in parallel.

// noRetry keeps azidentity from retrying failed token requests itself, so
// tests count acb's own attempts and stay fast.
func noRetry() TokenSourceOptions {
	return TokenSourceOptions{ClientOptions: azcore.ClientOptions{Retry: policy.RetryOptions{MaxRetries: -1}}}
}

// fakeAzure is a fake managed identity (in the environment) and a fake ACR.
type fakeAzure struct {
	mi   *azurefake.ManagedIdentity
	acr  *azurefake.ACRTokenService
	host string
}

func newFakeAzure(t *testing.T) fakeAzure {
	t.Helper()
	azurefake.ClearEnv(t)
	mi := azurefake.NewManagedIdentity(t)
	mi.SetEnv(t)
	acr, host := azurefake.StartACR(t, mi)
	return fakeAzure{mi: mi, acr: acr, host: host}
}

// opts returns resolve options for the fakes with short back-off.
func (f fakeAzure) opts() ResolveOptions {
	return ResolveOptions{
		TokenSourceOptions: noRetry(),
		Exchanger:          &Exchanger{Scheme: "http"},
		Backoff:            []time.Duration{time.Millisecond, time.Millisecond, time.Millisecond},
	}
}

// checkNoTokens fails if msg contains any token the fakes issued.
func (f fakeAzure) checkNoTokens(t *testing.T, msg string) {
	t.Helper()
	for _, tok := range append(f.mi.Tokens(), f.acr.Tokens()...) {
		if strings.Contains(msg, tok) {
			t.Errorf("message contains a token: %s", msg)
		}
	}
}

func mustParse(t *testing.T, s string) *Credential {
	t.Helper()
	c, err := ParseCredential(s)
	if err != nil {
		t.Fatalf("ParseCredential(%q): %v", s, err)
	}
	return c
}
