package runner

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
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

func TestIdentityHandlerProtocol(t *testing.T) {
	t.Parallel()
	src := &fakeTokens{ttl: time.Hour}
	m := secrets.NewMasker()
	srv := httptest.NewServer(newIdentityHandler(src, "s3cr3t-header", m, nil))
	defer srv.Close()
	ep := srv.URL + identityPath
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

func TestIdentityHandlerCacheAndErrors(t *testing.T) {
	t.Parallel()
	long, short := &fakeTokens{ttl: time.Hour}, &fakeTokens{ttl: time.Minute}
	for _, c := range []struct {
		src  *fakeTokens
		want int
	}{{long, 1}, {short, 3}} {
		srv := httptest.NewServer(newIdentityHandler(c.src, "h", nil, nil))
		for range 3 {
			if code, body := identityGet(t, srv.URL+identityPath+"?api-version=2019-08-01&resource=r", map[string]string{"X-IDENTITY-HEADER": "h"}); code != 200 {
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
	srv := httptest.NewServer(newIdentityHandler(failing, "h", m, func(err error) { told = err }))
	defer srv.Close()
	code, body := identityGet(t, srv.URL+identityPath+"?api-version=2019-08-01&resource=r", map[string]string{"X-IDENTITY-HEADER": "h"})
	if code != 500 || strings.Contains(body["error_description"], "upstream-secret") || told == nil {
		t.Errorf("failing source: status %d, body %v, told %v", code, body, told)
	}
}

// runIdentityFake runs src on the fake engine with a step identity whose
// networks have gateway gw.
func runIdentityFake(t *testing.T, gw, src string) (log, out string, err error) {
	t.Helper()
	f := newFake()
	f.gateway = gw
	var l, o syncBuf
	opts := Options{RunID: "idrun", Log: &l, Out: &o, Masker: secrets.NewMasker(), StepIdentity: &fakeTokens{ttl: time.Hour}, Parallelism: 1}
	_, err = Run(context.Background(), parseTask(t, src), f, opts)
	return l.String(), o.String(), err
}

func TestStepIdentityEnv(t *testing.T) {
	t.Parallel()
	log, out, err := runIdentityFake(t, "127.0.0.1", "steps:\n  - cmd: img echo ==\n  - cmd: img env\n"+
		"  - cmd: img echo ==\n  - cmd: img env\n    env: [IDENTITY_ENDPOINT=mine]\n"+
		"  - cmd: img echo ==\n  - cmd: --network none img env\n")
	if err != nil {
		t.Fatalf("%v\n%s", err, log)
	}
	ep := regexp.MustCompile(`IDENTITY_ENDPOINT=(http://127\.0\.0\.1:(\d+)/msi/token)\n`).FindStringSubmatch(out)
	if ep == nil {
		t.Fatalf("no endpoint in the step env:\n%s", out)
	}
	steps := strings.Split(out, "==\n")
	if len(steps) != 4 {
		t.Fatalf("output of %d steps:\n%s", len(steps)-1, out)
	}
	want := "IDENTITY_ENDPOINT=" + ep[1] + "\nIDENTITY_HEADER=***\nMSI_ENDPOINT=" + ep[1] + "\nMSI_SECRET=***\nHOME=/acb/home\n"
	if steps[1] != want {
		t.Errorf("step env:\n%s\nwant:\n%s", steps[1], want)
	}
	// The step's own value comes last and wins.
	if want += "IDENTITY_ENDPOINT=mine\n"; steps[2] != want {
		t.Errorf("step env:\n%s\nwant:\n%s", steps[2], want)
	}
	if steps[3] != "HOME=/acb/home\n" {
		t.Errorf("a step on network none got identity variables:\n%s", steps[3])
	}
	if n := strings.Count(log, "Serving the task's identity"); n != 1 {
		t.Errorf("the endpoint was started %d times:\n%s", n, log)
	}
	if c, err := net.Dial("tcp", "127.0.0.1:"+ep[2]); err == nil {
		c.Close()
		t.Error("the endpoint still listens after the run")
	}
}

func TestStepIdentityUnavailable(t *testing.T) {
	t.Parallel()
	// 203.0.113.7 (TEST-NET-3) is no address of this host: like a remote
	// engine's gateway, it cannot be listened on.
	log, out, err := runIdentityFake(t, "203.0.113.7", "steps:\n  - cmd: img env\n  - cmd: img env\n")
	if err != nil {
		t.Fatalf("%v\n%s", err, log)
	}
	if n := strings.Count(log, "Step identity unavailable: cannot listen on 203.0.113.7"); n != 1 {
		t.Errorf("%d unavailability warnings, want 1:\n%s", n, log)
	}
	if strings.Contains(out, "IDENTITY") {
		t.Errorf("steps got identity variables:\n%s", out)
	}

	log, out, err = runIdentityFake(t, "", "steps:\n  - cmd: img env\n")
	if err != nil || !strings.Contains(log, "Step identity unavailable on network acb_default_network: no IPv4 gateway") || strings.Contains(out, "IDENTITY") {
		t.Errorf("network without a gateway: err %v\nlog:\n%s\nout:\n%s", err, log, out)
	}
}

func TestHostShellLineInheritsIdentity(t *testing.T) {
	t.Parallel()
	task := parseTask(t, "steps:\n  - id: s\n    env: [IDENTITY_HEADER=own]\n    cmd: bash echo hi | tee x\n")
	r, err := newRun(task, nil, &Options{RunID: "cb1"})
	if err != nil {
		t.Fatal(err)
	}
	got := r.hostShellLine(task.Steps[0], "s", envNames([]string{"IDENTITY_ENDPOINT=u", "IDENTITY_HEADER=x=y"})...)
	if !strings.Contains(got, "--env HOME=/acb/home --env IDENTITY_ENDPOINT --env IDENTITY_HEADER --env IDENTITY_HEADER=own ") {
		t.Errorf("host shell line %s", got)
	}
}
