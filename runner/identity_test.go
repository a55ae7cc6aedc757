package runner

import (
	"context"
	"net"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/acb-dev/acb/runner/output"
	"github.com/acb-dev/acb/secrets"
)

// staticToken is a TokenSource: these tests look at the runner's wiring,
// not at tokens (the handler's own tests in runner/identity do).
type staticToken string

func (s staticToken) Token(context.Context, string, string) (string, time.Time, error) {
	return string(s), time.Now().Add(time.Hour), nil
}

// runIdentityFake runs src on the fake engine with a step identity whose
// networks have gateway gw.
func runIdentityFake(t *testing.T, gw, src string) (log, out string, err error) {
	t.Helper()
	f := newFake()
	f.SetGateway(gw)
	var l, o syncBuf
	opts := Options{RunID: "idrun", Output: output.New(output.Options{Log: &l, Out: &o, Masker: secrets.NewMasker()}), StepIdentity: staticToken("step-token"), Parallelism: 1}
	_, err = runParsed(context.Background(), t, parseTask(t, src), f, opts)
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

func TestHostShellEnvInheritsIdentity(t *testing.T) {
	t.Parallel()
	task := parseTask(t, "steps:\n  - id: s\n    env: [IDENTITY_HEADER=own]\n    cmd: bash echo hi | tee x\n")
	body, procEnv, err := hostShellEnv(task.Steps[0], []string{"IDENTITY_ENDPOINT=u", "IDENTITY_HEADER=x=y"})
	if err != nil || len(procEnv) != 0 {
		t.Fatal(err, procEnv)
	}
	// The engine keeps the last of duplicate names: the step's own wins.
	if want := "HOME=/acb/home\nIDENTITY_ENDPOINT=u\nIDENTITY_HEADER=x=y\nIDENTITY_HEADER=own\n"; body != want {
		t.Errorf("env file %q; want %q", body, want)
	}
}
