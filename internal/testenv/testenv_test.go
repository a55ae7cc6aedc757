package testenv_test

import (
	"bytes"
	"net/http"
	"testing"

	"github.com/acb-dev/acb/internal/testenv"
	"github.com/acb-dev/acb/runner/engine"
)

func TestBusyboxImage(t *testing.T) {
	t.Parallel()
	img := testenv.BusyboxImage(t)
	if img != testenv.BusyboxTag {
		t.Fatalf("tag %q", img)
	}
	// Second call is served from the cache and still answers the tag.
	if again := testenv.BusyboxImage(t); again != img {
		t.Fatalf("second call %q", again)
	}
	e := testenv.Engine(t)
	ctx := testenv.Context(t, 0)
	var out bytes.Buffer
	code, err := e.RunContainer(ctx, engine.ContainerSpec{
		Image:      img,
		Cmd:        []string{"sh", "-c", "for a in sh echo sleep cat wget ls env pwd id true false mkdir touch nc httpd whoami hostname grep test; do which $a >/dev/null || echo missing $a; done; whoami; cat /www/index.html"},
		AutoRemove: true,
	}, engine.Streams{Stdout: &out, Stderr: &out})
	if err != nil || code != 0 {
		t.Fatalf("run: code %d err %v\n%s", code, err, out.String())
	}
	if got, want := out.String(), "root\nhello from acbtest/busybox\n"; got != want {
		t.Fatalf("output %q, want %q", got, want)
	}
}

func TestRegistry(t *testing.T) {
	t.Parallel()
	host := testenv.Registry(t)
	resp, err := http.Get("http://" + host + "/v2/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/v2/: %s", resp.Status)
	}
}

func TestDistributionRegistryAuth(t *testing.T) {
	t.Parallel()
	host := testenv.DistributionRegistry(t, testenv.DistributionOptions{Username: "u", Password: "p$`x"})
	resp, err := http.Get("http://" + host + "/v2/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("anonymous /v2/: %s, want 401", resp.Status)
	}
	req, _ := http.NewRequest(http.MethodGet, "http://"+host+"/v2/", nil)
	req.SetBasicAuth("u", "p$`x")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("authenticated /v2/: %s, want 200", resp.Status)
	}
}

func TestAssertNoLeftovers(t *testing.T) {
	t.Parallel()
	e := testenv.Engine(t)
	ctx := testenv.Context(t, 0)
	run := testenv.RunID(t)
	name := run
	if err := e.CreateVolume(ctx, name, map[string]string{engine.LabelRun: run}); err != nil {
		t.Fatal(err)
	}
	objs, err := e.ListLabeled(ctx, engine.LabelRun, run)
	if err != nil || len(objs.Volumes) != 1 || objs.Volumes[0] != name {
		t.Fatalf("ListLabeled: %+v %v", objs, err)
	}
	if err := e.RemoveVolume(ctx, name); err != nil {
		t.Fatal(err)
	}
	testenv.AssertNoLeftovers(t, run)
}
