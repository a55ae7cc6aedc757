package runner

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/acb-dev/acb/runner/engine"
	"github.com/acb-dev/acb/runner/output"
)

// loginEngine is the fake engine with scripted logins and a record of the
// Docker configurations written to the home volume.
type loginEngine struct {
	*fakeEngine
	login func(engine.RegistryAuth) error

	mu      sync.Mutex
	logins  []engine.RegistryAuth
	configs []string // .docker/config.json contents, in write order
	pushes  []*engine.RegistryAuth
}

func (e *loginEngine) Login(_ context.Context, a engine.RegistryAuth) error {
	e.mu.Lock()
	e.logins = append(e.logins, a)
	e.mu.Unlock()
	if e.login != nil {
		return e.login(a)
	}
	return nil
}

func (e *loginEngine) CopyToVolume(_ context.Context, _ string, r io.Reader) error {
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if h.Name == ".docker/config.json" {
			b, _ := io.ReadAll(tr)
			e.mu.Lock()
			e.configs = append(e.configs, string(b))
			e.mu.Unlock()
		}
	}
}

func (e *loginEngine) Push(ctx context.Context, ref string, a *engine.RegistryAuth, w io.Writer) (string, error) {
	e.mu.Lock()
	e.pushes = append(e.pushes, a)
	e.mu.Unlock()
	return e.fakeEngine.Push(ctx, ref, a, w)
}

func runLogin(t *testing.T, e *loginEngine, src string, opts Options) (*Result, error, string) {
	t.Helper()
	var log syncBuf
	opts.Output = output.New(output.Options{Log: &log})
	opts.RunID = "logintest"
	res, err := runParsed(context.Background(), t, parseTask(t, src), e, opts)
	if len(e.Volumes()) != 0 || len(e.Networks()) != 0 {
		t.Errorf("leftovers: volumes %v networks %v", e.Volumes(), e.Networks())
	}
	return res, err, log.String()
}

func TestLoginRetriesThenFailsBeforeAnyStep(t *testing.T) {
	e := &loginEngine{fakeEngine: newFake(), login: func(a engine.RegistryAuth) error {
		if a.ServerAddress == "b.io" {
			return errors.New("Error response from daemon: login attempt to http://b.io/v2/ failed with status: 503 Service Unavailable")
		}
		return nil
	}}
	start := time.Now()
	_, err, log := runLogin(t, e, "steps:\n  - cmd: x echo hi\n", Options{Logins: staticLogins{
		"a.io": {Username: "u", Password: "pw-a"},
		"b.io": {Username: "u", Password: "s3cret-b"},
	}})
	if !errors.Is(err, ErrLogin) {
		t.Fatalf("err = %v, want ErrLogin", err)
	}
	var le *LoginError
	if !errors.As(err, &le) || le.Registry != "b.io" || le.Attempts != 4 {
		t.Fatalf("err = %#v", err)
	}
	if !strings.Contains(err.Error(), "b.io") || !strings.Contains(err.Error(), "503") || strings.Contains(err.Error(), "s3cret-b") {
		t.Errorf("error text: %v", err)
	}
	if d := time.Since(start); d < 1700*time.Millisecond {
		t.Errorf("4 attempts took %v, want the 250ms/500ms/1s back-off", d)
	}
	if n := len(e.logins); n != 5 { // a.io once, b.io four times
		t.Errorf("%d logins, want 5", n)
	}
	if strings.Contains(log, "Executing step ID") || e.Runs("acb_step_0") != 0 {
		t.Errorf("a step ran:\n%s", log)
	}
	for _, want := range []string{"Logging in to registry: a.io\n", "Successfully logged into a.io", "Logging in to registry: b.io\n"} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
	if strings.Contains(log, "Successfully logged into b.io") {
		t.Errorf("log claims the failed login succeeded:\n%s", log)
	}
}

// rotatingLogins hands out a new password every time, like renewals.
type rotatingLogins struct {
	mu sync.Mutex
	n  int
}

func (l *rotatingLogins) Registries() []string { return []string{"r.io"} }
func (l *rotatingLogins) Auth(context.Context, string) (engine.RegistryAuth, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.n++
	return engine.RegistryAuth{Username: "00000000-0000-0000-0000-000000000000", Password: fmt.Sprintf("token-%d", l.n)}, nil
}
func (l *rotatingLogins) Describe(string) string { return "identity: managed identity (App Service)" }

func TestLoginsAreAskedAgainAtEachUse(t *testing.T) {
	e := &loginEngine{fakeEngine: newFake()}
	l := &rotatingLogins{}
	src := "steps:\n  - cmd: x echo one\n  - push: [r.io/a:1]\n  - cmd: x echo two\n  - push: [r.io/a:2]\n"
	_, err, log := runLogin(t, e, src, Options{Logins: l, Parallelism: 1})
	if err != nil {
		t.Fatalf("run: %v\n%s", err, log)
	}
	if !strings.Contains(log, "Logging in to registry: r.io (identity: managed identity (App Service))\n") ||
		!strings.Contains(log, "Successfully logged into r.io\n") {
		t.Errorf("login lines:\n%s", log)
	}
	if len(e.logins) != 1 || e.logins[0].ServerAddress != "r.io" || e.logins[0].Password == "" {
		t.Errorf("logins: %+v", e.logins)
	}
	if len(e.pushes) != 2 || e.pushes[0] == nil || e.pushes[1] == nil || e.pushes[0].Password == e.pushes[1].Password {
		t.Fatalf("pushes did not get fresh credentials: %+v", e.pushes)
	}
	// Set-up writes the configuration; each cmd step rewrites it because
	// the credential changed.
	if len(e.configs) != 3 {
		t.Fatalf("%d configurations written, want 3", len(e.configs))
	}
	if e.configs[0] == e.configs[1] || e.configs[1] == e.configs[2] {
		t.Errorf("configuration not refreshed:\n%v", e.configs)
	}
	if !bytes.Contains([]byte(e.configs[2]), []byte(`"r.io"`)) {
		t.Errorf("config: %s", e.configs[2])
	}
}

// TestLoginRefusedIsNotRetried checks that a credential the registry
// refuses (401) fails at once, with an error saying what to do.
func TestLoginRefusedIsNotRetried(t *testing.T) {
	e := &loginEngine{fakeEngine: newFake(), login: func(a engine.RegistryAuth) error {
		return errors.New("Error response from daemon: login attempt to http://b.io/v2/ failed with status: 401 Unauthorized")
	}}
	start := time.Now()
	_, err, _ := runLogin(t, e, "steps:\n  - cmd: x echo hi\n", Options{Logins: staticLogins{
		"b.io": {Username: "u", Password: "s3cret-b"},
	}})
	var le *LoginError
	if !errors.As(err, &le) || le.Attempts != 1 || len(e.logins) != 1 {
		t.Fatalf("err = %v after %d logins, want one attempt", err, len(e.logins))
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("a refused login took %v", d)
	}
	for _, want := range []string{"401", "not retried", "--credential server=b.io"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
}

// refusingPushEngine refuses every push as a registry refuses a missing
// login.
type refusingPushEngine struct {
	*fakeEngine
	pushes int
}

func (e *refusingPushEngine) Push(context.Context, string, *engine.RegistryAuth, io.Writer) (string, error) {
	e.pushes++
	return "", errors.New("unauthorized: authentication required (HTTP 401)")
}

// TestPushRefusedIsNotRetried checks that a push the registry refuses is
// tried once and its error suggests --credential.
func TestPushRefusedIsNotRetried(t *testing.T) {
	e := &refusingPushEngine{fakeEngine: newFake()}
	_, err := runParsed(context.Background(), t, parseTask(t, "steps:\n  - id: up\n    push: [\"r.example/app:1\"]\n"), e, Options{RunID: "pushtest"})
	if err == nil || e.pushes != 1 {
		t.Fatalf("err = %v after %d pushes, want a failure after one", err, e.pushes)
	}
	if !strings.Contains(err.Error(), "--credential server=r.example") {
		t.Errorf("error does not suggest --credential: %v", err)
	}
}

// staticLogins are fixed credentials by registry.
type staticLogins map[string]engine.RegistryAuth

func (l staticLogins) Registries() []string {
	var out []string
	for r := range l {
		out = append(out, r)
	}
	return out
}

func (l staticLogins) Auth(_ context.Context, registry string) (engine.RegistryAuth, error) {
	return l[registry], nil
}
