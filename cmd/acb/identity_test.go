package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/acb-dev/acb/auth"
	"github.com/acb-dev/acb/internal/azurefake"
	"github.com/acb-dev/acb/runner/output"
)

// TestStepTokenSource checks the adapter behind --identity: the task's
// client id is the default, a step's client id passes through, and
// --no-step-identity turns it off. Not parallel: it sets the environment.
func TestStepTokenSource(t *testing.T) {
	mi := azurefake.NewManagedIdentity(t)
	mi.SetEnv(t)
	task, other := azurefake.NewGUID(), azurefake.NewGUID()
	var answered []string // identity=source, once per identity
	ids := auth.NewIdentities(auth.TokenSourceOptions{}, func(identity, source string) {
		answered = append(answered, identity+"="+source)
	})
	if src, err := newStepIdentity(&runFlags{identity: task, noStepIdentity: true}, ids); src != nil || err != nil {
		t.Errorf("--no-step-identity: %v, %v", src, err)
	}
	if src, err := newStepIdentity(&runFlags{}, ids); src != nil || err != nil {
		t.Errorf("no --identity: %v, %v", src, err)
	}
	if _, err := newStepIdentity(&runFlags{identity: "not-a-guid"}, ids); err == nil {
		t.Error("a bad --identity was accepted")
	}
	src, err := newStepIdentity(&runFlags{identity: strings.ToUpper(task)}, ids)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, asked := range []string{"", task, other} {
		tok, exp, err := src.Token(ctx, "https://vault.azure.net", asked)
		if err != nil || !mi.Issued(tok) || exp.IsZero() {
			t.Fatalf("Token(%q): %v (issued %v, expires %v)", asked, err, mi.Issued(tok), exp)
		}
	}
	var got []string
	for _, r := range mi.Requests() {
		got = append(got, r.ClientID)
	}
	if want := []string{task, task, other}; strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("upstream client ids %v, want %v", got, want)
	}
	if want := []string{task + "=managed identity (App Service)", other + "=managed identity (App Service)"}; strings.Join(answered, ",") != strings.Join(want, ",") {
		t.Errorf("sources named %v, want %v (once per identity)", answered, want)
	}
}

func TestStepIdentityRemoteEngine(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for host, want := range map[string]bool{
		"unix:///var/run/docker.sock": true,
		"tcp://127.0.0.1:2375":        true,
		"tcp://localhost:2376":        true,
		"tcp://203.0.113.7:2376":      false,
		"ssh://me@build-host":         false,
	} {
		if got := engineIsLocal(ctx, host); got != want {
			t.Errorf("engineIsLocal(%q) = %v, want %v", host, got, want)
		}
	}
	var log bytes.Buffer
	if ts := stepIdentityFor(ctx, &stepTokenSource{}, "tcp://203.0.113.7:2376", output.New(output.Options{Log: &log})); ts != nil ||
		!strings.HasPrefix(log.String(), "Step identity unavailable: the Docker engine at tcp://203.0.113.7:2376 is not on this machine") {
		t.Errorf("remote engine: %v, %q", ts, log.String())
	}
	if ts := stepIdentityFor(ctx, nil, "unix:///var/run/docker.sock", output.New(output.Options{Log: &log})); ts != nil {
		t.Errorf("no identity: %v", ts)
	}
}
