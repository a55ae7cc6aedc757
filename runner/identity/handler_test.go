package identity

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/acb-dev/acb/secrets"
)

// fakeTokens is a TokenSource minting numbered tokens that live ttl.
type fakeTokens struct {
	mu    sync.Mutex
	ttl   time.Duration
	err   error
	calls [][2]string // {resource, client id}
}

func (f *fakeTokens) Token(_ context.Context, resource, clientID string) (string, time.Time, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return "", time.Time{}, f.err
	}
	f.calls = append(f.calls, [2]string{resource, clientID})
	claims, _ := json.Marshal(map[string]string{"appid": "app-of-" + clientID})
	tok := "h." + base64.RawURLEncoding.EncodeToString(claims) + ".tok" + string(rune('a'+len(f.calls)))
	return tok, time.Now().Add(f.ttl), nil
}

func (f *fakeTokens) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.calls)
}

func identityGet(t *testing.T, url string, header map[string]string) (int, map[string]string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body := map[string]string{}
	b, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(b, &body); err != nil {
		t.Fatalf("GET %s: %d %q: %v", url, resp.StatusCode, b, err)
	}
	return resp.StatusCode, body
}

func TestHandlerProtocol(t *testing.T) {
	t.Parallel()
	src := &fakeTokens{ttl: time.Hour}
	m := secrets.NewMasker()
	srv := httptest.NewServer(NewHandler(src, "s3cr3t-header", m, nil))
	defer srv.Close()
	ep := srv.URL + Path
	res := "resource=https://management.azure.com/"
	ok := map[string]string{"X-IDENTITY-HEADER": "s3cr3t-header"}
	for _, c := range []struct {
		name   string
		url    string
		header map[string]string
		code   int
		client string // client_id of the answer
	}{
		{"no header", ep + "?api-version=2019-08-01&" + res, nil, 401, ""},
		{"wrong header", ep + "?api-version=2019-08-01&" + res, map[string]string{"X-IDENTITY-HEADER": "nope"}, 401, ""},
		{"2017 header on 2019", ep + "?api-version=2019-08-01&" + res, map[string]string{"secret": "s3cr3t-header"}, 401, ""},
		{"bad version", ep + "?api-version=2018-02-01&" + res, ok, 400, ""},
		{"no resource", ep + "?api-version=2019-08-01", ok, 400, ""},
		{"mi_res_id", ep + "?api-version=2019-08-01&mi_res_id=x&" + res, ok, 400, ""},
		{"other path", srv.URL + "/metadata?api-version=2019-08-01&" + res, ok, 404, ""},
		{"system", ep + "?api-version=2019-08-01&" + res, ok, 200, "app-of-"},
		{"user-assigned", ep + "?api-version=2019-08-01&client_id=ABC&" + res, ok, 200, "abc"},
		{"2017 trailing slash", ep + "/?api-version=2017-09-01&clientid=def&" + res, map[string]string{"secret": "s3cr3t-header"}, 200, "def"},
	} {
		code, body := identityGet(t, c.url, c.header)
		if code != c.code {
			t.Errorf("%s: status %d, want %d (%v)", c.name, code, c.code, body)
			continue
		}
		if code != 200 {
			continue
		}
		if body["resource"] != "https://management.azure.com/" || body["token_type"] != "Bearer" || body["client_id"] != c.client ||
			!strings.HasPrefix(body["access_token"], "h.") || body["expires_on"] == "" {
			t.Errorf("%s: answer %v", c.name, body)
		}
		if got := m.String(body["access_token"]); got == body["access_token"] {
			t.Errorf("%s: the token served is not masked", c.name)
		}
	}
	if m.String("s3cr3t-header") == "s3cr3t-header" {
		t.Error("the header secret is not masked")
	}
	want := [][2]string{{"https://management.azure.com/", ""}, {"https://management.azure.com/", "abc"}, {"https://management.azure.com/", "def"}}
	if len(src.calls) != len(want) {
		t.Fatalf("source calls %v, want %v", src.calls, want)
	}
	for i := range want {
		if src.calls[i] != want[i] {
			t.Errorf("source call %d = %v, want %v", i, src.calls[i], want[i])
		}
	}
}

func TestHandlerCacheAndErrors(t *testing.T) {
	t.Parallel()
	long, short := &fakeTokens{ttl: time.Hour}, &fakeTokens{ttl: time.Minute}
	for _, c := range []struct {
		src  *fakeTokens
		want int
	}{{long, 1}, {short, 3}} {
		srv := httptest.NewServer(NewHandler(c.src, "h", nil, nil))
		for range 3 {
			if code, body := identityGet(t, srv.URL+Path+"?api-version=2019-08-01&resource=r", map[string]string{"X-IDENTITY-HEADER": "h"}); code != 200 {
				t.Fatalf("status %d: %v", code, body)
			}
		}
		srv.Close()
		if got := c.src.count(); got != c.want {
			t.Errorf("ttl %s: %d upstream calls for 3 requests, want %d", c.src.ttl, got, c.want)
		}
	}

	m := secrets.NewMasker("upstream-secret")
	var told error
	failing := &fakeTokens{err: errors.New("no identity here: upstream-secret")}
	srv := httptest.NewServer(NewHandler(failing, "h", m, func(err error) { told = err }))
	defer srv.Close()
	code, body := identityGet(t, srv.URL+Path+"?api-version=2019-08-01&resource=r", map[string]string{"X-IDENTITY-HEADER": "h"})
	if code != 500 || strings.Contains(body["error_description"], "upstream-secret") || told == nil {
		t.Errorf("failing source: status %d, body %v, told %v", code, body, told)
	}
}
