package graph

import (
	"reflect"
	"testing"
)

// referenceFixture reconstructs acr-builder's graph/testdata/acb.yaml
// (behaviour §9.3 item 3): seven steps, task env foo=taskEnv, one step that
// sets its own foo.
const referenceFixture = `env:
  - foo=taskEnv
steps:
  - id: acb_step_0
    build: -f Dockerfile https://github.com/Azure/acr-builder.git -t foo:bar
    when: ["-"]
  - id: build-qux
    build: -f Dockerfile https://github.com/Azure/acr-builder.git --cache-from=ubuntu -t qux
    when: ["-"]
  - id: build-foo
    build: -f Dockerfile https://github.com/Azure/acr-builder.git -t foo
    when: [acb_step_0]
  - id: build-bar
    build: -f Dockerfile https://github.com/Azure/acr-builder.git -t bar
    env: [eric=foo, foo=bar]
    when: [build-qux, build-foo]
  - id: push
    push: [foo, bar]
    when: [build-bar]
  - id: run
    cmd: foo
    when: [push]
  - cmd: bar
`

func TestReferenceDefaults(t *testing.T) {
	task, err := Parse([]byte(referenceFixture), ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if task.Version != DefaultVersion || task.StepTimeout != DefaultStepTimeout {
		t.Errorf("version %q stepTimeout %d", task.Version, task.StepTimeout)
	}
	wantNet := []*Network{{Name: DefaultNetworkName, Driver: DefaultNetworkDriver, IsDefault: true}}
	if !reflect.DeepEqual(task.Networks, wantNet) {
		t.Errorf("networks = %+v", task.Networks[0])
	}
	if len(task.Steps) != 7 {
		t.Fatalf("%d steps", len(task.Steps))
	}
	for _, s := range task.Steps {
		if s.Timeout != 600 || s.RetryDelay != 5 || s.Network != DefaultNetworkName {
			t.Errorf("%s: timeout %d retryDelay %d network %q", s.ID, s.Timeout, s.RetryDelay, s.Network)
		}
		want := []string{"foo=taskEnv"}
		if s.ID == "build-bar" {
			want = []string{"eric=foo", "foo=bar"}
		}
		if !reflect.DeepEqual(s.Env, want) {
			t.Errorf("%s: env %v, want %v", s.ID, s.Env, want)
		}
	}
	if got := task.Steps[6].ID; got != "acb_step_6" {
		t.Errorf("default id %q", got)
	}
	if got := task.Steps[4].Push; !reflect.DeepEqual(got, []string{"foo:latest", "bar:latest"}) {
		t.Errorf("push %v", got)
	}
	types := []StepType{BuildStep, BuildStep, BuildStep, BuildStep, PushStep, CmdStep, CmdStep}
	for i, s := range task.Steps {
		if s.Type != types[i] {
			t.Errorf("%s: type %v, want %v", s.ID, s.Type, types[i])
		}
	}
}

func TestDefaults(t *testing.T) {
	tests := []struct {
		name  string
		src   string
		opts  ParseOptions
		check func(t *testing.T, task *Task)
	}{
		{"empty document", "", ParseOptions{}, func(t *testing.T, task *Task) {
			if len(task.Steps) != 0 || task.Version != DefaultVersion || len(task.Networks) != 1 {
				t.Errorf("%+v", task)
			}
		}},
		{"comments only", "# nothing\n", ParseOptions{}, func(t *testing.T, task *Task) {
			if len(task.Steps) != 0 {
				t.Errorf("%+v", task)
			}
		}},
		{"version only", "version: V1.1.0\n", ParseOptions{}, func(t *testing.T, task *Task) {
			if task.Version != "V1.1.0" || len(task.Steps) != 0 {
				t.Errorf("%+v", task)
			}
		}},
		{"preview version", "version: 1.0-preview-1\nsteps: []\n", ParseOptions{}, func(t *testing.T, task *Task) {}},
		{"stepTimeout copied", "stepTimeout: 42\nsteps:\n  - cmd: x\n  - cmd: y\n    timeout: 7\n", ParseOptions{}, func(t *testing.T, task *Task) {
			if task.Steps[0].Timeout != 42 || task.Steps[1].Timeout != 7 {
				t.Errorf("timeouts %d %d", task.Steps[0].Timeout, task.Steps[1].Timeout)
			}
		}},
		{"stepTimeout zero and negative", "stepTimeout: -1\nsteps:\n  - cmd: x\n    retryDelay: 0\n", ParseOptions{}, func(t *testing.T, task *Task) {
			if task.StepTimeout != 600 || task.Steps[0].Timeout != 600 || task.Steps[0].RetryDelay != 5 {
				t.Errorf("%+v", task.Steps[0])
			}
			checkDiags(t, task.Warnings, []want{{"1:14", "", true, "stepTimeout is negative"}})
		}},
		{"comma in task env", "env: [\"LIST=a,b\", X=1]\nsteps:\n  - cmd: x\n", ParseOptions{}, func(t *testing.T, task *Task) {
			if want := []string{"LIST=a,b", "X=1"}; !reflect.DeepEqual(task.Steps[0].Env, want) {
				t.Errorf("env %v", task.Steps[0].Env)
			}
		}},
		{"cli env", "env: [A=task]\nsteps:\n  - cmd: x\n    env: [B=step]\n", ParseOptions{Env: []string{"A=cli", "B=cli", "C=cli,d"}}, func(t *testing.T, task *Task) {
			if want := []string{"B=step", "A=task", "C=cli,d"}; !reflect.DeepEqual(task.Steps[0].Env, want) {
				t.Errorf("env %v, want %v", task.Steps[0].Env, want)
			}
		}},
		{"step env without equals passes through", "steps:\n  - cmd: x\n    env: [NOEQ]\n", ParseOptions{}, func(t *testing.T, task *Task) {
			if !reflect.DeepEqual(task.Steps[0].Env, []string{"NOEQ"}) {
				t.Errorf("env %v", task.Steps[0].Env)
			}
		}},
		{"working directory", "steps:\n  - cmd: x\n  - cmd: y\n    workingDirectory: /src\n", ParseOptions{WorkingDirectory: "/cli"}, func(t *testing.T, task *Task) {
			if task.WorkingDirectory != "/cli" || task.Steps[0].WorkingDirectory != "/cli" || task.Steps[1].WorkingDirectory != "/src" {
				t.Errorf("%q %q %q", task.WorkingDirectory, task.Steps[0].WorkingDirectory, task.Steps[1].WorkingDirectory)
			}
		}},
		{"task working directory beats cli", "workingDirectory: /task\nsteps:\n  - cmd: x\n", ParseOptions{WorkingDirectory: "/cli"}, func(t *testing.T, task *Task) {
			if task.Steps[0].WorkingDirectory != "/task" {
				t.Errorf("%q", task.Steps[0].WorkingDirectory)
			}
		}},
		{"cli network", "steps:\n  - cmd: x\n  - cmd: y\n    network: host\n", ParseOptions{Network: "ext"}, func(t *testing.T, task *Task) {
			want := []*Network{{Name: "ext", Driver: "external", SkipCreation: true, IsDefault: true}}
			if !reflect.DeepEqual(task.Networks, want) {
				t.Errorf("networks %+v", task.Networks[0])
			}
			if task.Steps[0].Network != "ext" || task.Steps[1].Network != "host" {
				t.Errorf("%q %q", task.Steps[0].Network, task.Steps[1].Network)
			}
		}},
		{"last default network wins", "networks:\n  - {name: a, isDefault: true}\n  - {name: b}\n  - {name: c, isDefault: true}\nsteps:\n  - cmd: x\n", ParseOptions{}, func(t *testing.T, task *Task) {
			if len(task.Networks) != 3 || task.Steps[0].Network != "c" {
				t.Errorf("%d networks, step network %q", len(task.Networks), task.Steps[0].Network)
			}
		}},
		{"no default network", "networks:\n  - {name: a}\nsteps:\n  - cmd: x\n", ParseOptions{}, func(t *testing.T, task *Task) {
			if task.Steps[0].Network != "" {
				t.Errorf("network %q", task.Steps[0].Network)
			}
		}},
		{"push normalisation", "steps:\n  - push:\n    - a\n    - a:latest\n    - localhost:5000/x\n    - localhost:5000/x:1\n    - r.io/x@sha256:abc\n    - b:1\n", ParseOptions{}, func(t *testing.T, task *Task) {
			want := []string{"a:latest", "localhost:5000/x:latest", "localhost:5000/x:1", "r.io/x@sha256:abc", "b:1"}
			if !reflect.DeepEqual(task.Steps[0].Push, want) {
				t.Errorf("push %v, want %v", task.Steps[0].Push, want)
			}
		}},
		{"buildkit", "env: [DOCKER_BUILDKIT=1]\nsteps:\n  - build: .\n  - cmd: x\n", ParseOptions{}, func(t *testing.T, task *Task) {
			if !task.Steps[0].UsesBuildKit() || task.Steps[1].UsesBuildKit() {
				t.Error("UsesBuildKit")
			}
		}},
		{"yaml 1.1 booleans and merge keys", "base: &b\n  cmd: x\n  detach: yes\nsteps:\n  - <<: *b\n    id: a\n    detach: no\n  - <<: *b\n", ParseOptions{Lenient: true}, func(t *testing.T, task *Task) {
			if task.Steps[0].Detach || !task.Steps[1].Detach || task.Steps[1].Cmd != "x" {
				t.Errorf("%+v %+v", task.Steps[0], task.Steps[1])
			}
		}},
		{"scalars as strings", "steps:\n  - cmd: 123\n    cpus: 1.5\n", ParseOptions{}, func(t *testing.T, task *Task) {
			if task.Steps[0].Cmd != "123" || task.Steps[0].CPUs != "1.5" {
				t.Errorf("%+v", task.Steps[0])
			}
		}},
		{"all step fields", `steps:
  - id: s
    cmd: img arg
    entryPoint: sh
    user: root
    isolation: hyperv
    privileged: true
    ports: ["80:80"]
    expose: ["80"]
    detach: true
    keep: true
    pull: true
    startDelay: 3
    retries: 2
    retryDelay: 4
    repeat: 1
    ignoreErrors: true
    disableWorkingDirectoryOverride: true
`, ParseOptions{}, func(t *testing.T, task *Task) {
			s := task.Steps[0]
			if s.EntryPoint != "sh" || s.User != "root" || s.Isolation != "hyperv" || !s.Privileged || s.Ports[0] != "80:80" ||
				s.Expose[0] != "80" || !s.Detach || !s.Keep || !s.Pull || s.StartDelay != 3 || s.Retries != 2 ||
				s.RetryDelay != 4 || s.Repeat != 1 || !s.IgnoreErrors || !s.DisableWorkingDirectoryOverride {
				t.Errorf("%+v", s)
			}
			if s.Pos.Line != 2 || s.Pos.Col != 5 || s.Pos.File != DefaultFileName {
				t.Errorf("pos %v", s.Pos)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			task, err := Parse([]byte(tt.src), tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, task)
		})
	}
}

func TestCLIEnvWithoutEquals(t *testing.T) {
	_, err := Parse([]byte("steps:\n  - cmd: x\n"), ParseOptions{Env: []string{"BAD"}})
	if err == nil {
		t.Fatal("want an error")
	}
}

func TestParseSecrets(t *testing.T) {
	src := `version: v1.1.0
steps: this is not a list
unknown: 1
secrets:
  - id: a
    keyvault: https://v.vault.azure.net/secrets/a
    extra: ignored
  - id: b
    keyvault: https://v.vault.azure.net/secrets/b
    clientID: 00000000-0000-0000-0000-000000000000
`
	got, err := ParseSecrets([]byte(src), "t.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ID != "a" || got[1].ClientID == "" || got[1].Pos.Line != 8 {
		t.Errorf("%+v", got)
	}
	_, err = ParseSecrets([]byte("secrets:\n  - id: a\n    keyvault: k\n    clientID: bad\n"), "t.yaml")
	if err == nil || err.Error() != `t.yaml:4:15: secret "a": clientID "bad" is not a GUID (the client ID of a user-assigned managed identity)` {
		t.Errorf("err = %v", err)
	}
	if got, err := ParseSecrets(nil, ""); err != nil || got != nil {
		t.Errorf("empty: %v %v", got, err)
	}
	if _, err := ParseSecrets([]byte("secrets: [\n"), ""); err == nil {
		t.Error("want a YAML error")
	}
}
