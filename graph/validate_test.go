package graph

import (
	"strings"
	"testing"

	"github.com/acb-dev/acb/internal/diag"
)

// TestValidationRules covers behaviour §9.3's error table, §2.3's step
// checks and §2.4-2.6, each with its position and step id.
func TestValidationRules(t *testing.T) {
	tests := []struct {
		name  string
		src   string
		wants []want
	}{
		{"duplicate id", "steps:\n  - id: a\n    cmd: x\n  - id: a\n    cmd: y\n",
			[]want{{"4:9", "a", false, `step id "a" is already used by the step at line 2`}}},
		{"forward when", "steps:\n  - id: a\n    cmd: x\n    when: [b]\n  - id: b\n    cmd: y\n",
			[]want{{"4:12", "a", false, `when names step "b", which comes later in the file (line 5)`}}},
		{"unknown when with suggestion", "steps:\n  - id: build\n    cmd: x\n  - cmd: y\n    when: [biuld]\n",
			[]want{{"5:12", "acb_step_1", false, `when names unknown step "biuld"; did you mean "build"?`}}},
		{"unknown when", "steps:\n  - cmd: y\n    when: [zzz]\n",
			[]want{{"3:12", "acb_step_0", false, `when names unknown step "zzz"`}}},
		{"self when", "steps:\n  - id: a\n    cmd: x\n    when: [a]\n",
			[]want{{"4:12", "a", false, "when names the step itself"}}},
		{"dash with others", "steps:\n  - id: a\n    cmd: x\n  - cmd: y\n    when: [a, \"-\"]\n",
			[]want{{"5:15", "acb_step_1", false, `when mixes "-"`}}},
		{"empty when entry", "steps:\n  - id: a\n    cmd: x\n  - cmd: y\n    when: [\"\"]\n",
			[]want{{"5:12", "acb_step_1", false, "when holds an empty step id"}}},
		{"id with space", "steps:\n  - id: a b\n    cmd: x\n",
			[]want{{"2:9", "a b", false, `step id "a b" must not contain whitespace`}}},
		{"id with tab", "steps:\n  - id: \"a\\tb\"\n    cmd: x\n",
			[]want{{"2:9", `"a\tb"`, false, "must not contain whitespace"}}},
		{"id with newline", "steps:\n  - id: \"a\\n2026/01/01 forged line\"\n    cmd: x\n",
			[]want{{"2:9", `"a\n2026/01/01 forged line"`, false, "must not contain whitespace"}}},
		{"id with escape", "steps:\n  - id: \"a\\x1b[31mred\"\n    cmd: x\n",
			[]want{{"2:9", `"a\x1b[31mred"`, false, `step id "a\x1b[31mred" must not contain control`}}},
		{"id with bidi override", "steps:\n  - id: \"a\\u202Eb\"\n    cmd: x\n",
			[]want{{"2:9", `"a\u202eb"`, false, "must not contain control, format"}}},
		{"no type", "steps:\n  - id: a\n    env: [A=1]\n",
			[]want{{"2:5", "a", false, "step has none of cmd, build or push"}}},
		{"two types", "steps:\n  - cmd: x\n    build: .\n",
			[]want{{"3:5", "acb_step_0", false, "step has both cmd and build"}}},
		{"three types", "steps:\n  - push: [x]\n    cmd: x\n    build: .\n",
			[]want{{"4:5", "acb_step_0", false, "both cmd and build"}, {"2:5", "acb_step_0", false, "both cmd and push"}}},
		{"negative retries", "steps:\n  - cmd: x\n    retries: -1\n",
			[]want{{"3:14", "acb_step_0", false, "retries must be 0 or more, found -1"}}},
		{"negative repeat", "steps:\n  - cmd: x\n    repeat: -1\n",
			[]want{{"3:13", "acb_step_0", false, "repeat must be 0 or more"}}},
		{"negative timeout", "steps:\n  - cmd: x\n    timeout: -5\n",
			[]want{{"3:14", "acb_step_0", false, "timeout must be 0 or more"}}},
		{"negative startDelay", "steps:\n  - cmd: x\n    startDelay: -5\n",
			[]want{{"3:17", "acb_step_0", false, "startDelay must be 0 or more"}}},
		{"negative cmdDownloadRetries", "steps:\n  - cmd: x\n    cmdDownloadRetries: -1\n",
			[]want{{"3:25", "acb_step_0", false, "cmdDownloadRetries must be 0 or more"}}},
		{"cache maybe", "steps:\n  - build: .\n    cache: maybe\n",
			[]want{{"3:12", "acb_step_0", false, `cache must be enabled or disabled, found "maybe"`}}},
		{"bad version", "version: v2.0.0\n",
			[]want{{"1:10", "", false, `unsupported version "v2.0.0"`}}},
		{"version without v", "version: 1.0.0\n",
			[]want{{"1:10", "", false, `did you mean "v1.0.0"?`}}},
		{"reserved id", "steps:\n  - id: acb_root\n    cmd: x\n",
			[]want{{"2:9", "acb_root", false, "acb_root is reserved"}}},
		{"mount on push", "volumes:\n  - name: v\n    secret:\n      f: YQ==\nsteps:\n  - push: [x]\n    volumeMounts:\n      - name: v\n        mountPath: /m\n",
			[]want{{"7:5", "acb_step_0", false, "volume mounts are only allowed on cmd and build steps"}}},
		{"mount without volume", "steps:\n  - cmd: x\n    volumeMounts:\n      - name: v\n        mountPath: /m\n",
			[]want{{"4:15", "acb_step_0", false, `volume mount names "v", which is not declared under volumes`}}},
		{"mount name suggestion", "volumes:\n  - name: secrets\n    secret:\n      f: YQ==\nsteps:\n  - cmd: x\n    volumeMounts:\n      - name: secrte\n        mountPath: /m\n",
			[]want{{"8:15", "acb_step_0", false, `did you mean "secrets"?`}}},
		{"duplicate mountPath", "volumes:\n  - name: v\n    secret:\n      f: YQ==\nsteps:\n  - cmd: x\n    volumeMounts:\n      - name: v\n        mountPath: /m\n      - name: v\n        mountPath: /m\n",
			[]want{{"11:20", "acb_step_0", false, `mountPath "/m" is already used`}}},
		{"mount missing name and path", "volumes:\n  - name: v\n    secret:\n      f: YQ==\nsteps:\n  - cmd: x\n    volumeMounts:\n      - {}\n",
			[]want{{"8:9", "acb_step_0", false, "volume mount has no name"}, {"8:9", "acb_step_0", false, "volume mount has no mountPath"}}},
		{"relative mountPath", "volumes:\n  - name: v\n    secret:\n      f: YQ==\nsteps:\n  - cmd: x\n    volumeMounts:\n      - name: v\n        mountPath: m\n",
			[]want{{"9:20", "acb_step_0", true, "should be an absolute path"}}},
		{"bad volume name", "volumes:\n  - name: a/b\n    secret:\n      f: YQ==\n",
			[]want{{"2:5", "", false, `volume name "a/b" may only contain`}}},
		{"volume without name", "volumes:\n  - secret:\n      f: YQ==\n",
			[]want{{"2:5", "", false, "volume has no name"}}},
		{"duplicate volume", "volumes:\n  - name: v\n    secret:\n      f: YQ==\n  - name: v\n    secret:\n      f: YQ==\n",
			[]want{{"5:5", "", false, `volume "v" is already declared at line 2`}}},
		{"volume without secret", "volumes:\n  - name: v\n",
			[]want{{"2:5", "", false, `volume "v" has no secret`}}},
		{"volume empty secret", "volumes:\n  - name: v\n    secret: {}\n",
			[]want{{"3:13", "", false, "secret is empty"}}},
		{"bad file name", "volumes:\n  - name: v\n    secret:\n      a/b: YQ==\n",
			[]want{{"4:7", "", false, `file name "a/b" may only contain`}}},
		{"dot-dot file name", "volumes:\n  - name: v\n    secret:\n      ..: YQ==\n",
			[]want{{"4:7", "", false, `".." is not a usable file name`}}},
		{"not base64", "volumes:\n  - name: v\n    secret:\n      f: not-base64!\n",
			[]want{{"4:10", "", false, "is not valid base64"}}},
		{"task env without equals", "env:\n  - NOEQUALS\n",
			[]want{{"2:5", "", false, `task env entry "NOEQUALS" is not of the form KEY=value`}}},
		{"step env without name", "steps:\n  - cmd: x\n    env: [\"=v\"]\n",
			[]want{{"3:11", "acb_step_0", false, "has no variable name"}}},
		{"push empty", "steps:\n  - push: []\n",
			[]want{{"2:11", "acb_step_0", false, "push lists no images"}}},
		{"push entry empty", "steps:\n  - push: [\"\"]\n",
			[]want{{"2:12", "acb_step_0", false, "push entry is empty"}}},
		{"push as string", "steps:\n  - push: x\n",
			[]want{{"2:11", "acb_step_0", false, "push must be a list"}}},
		{"build empty", "steps:\n  - build: \" \"\n",
			[]want{{"2:12", "acb_step_0", false, "build is empty"}}},
		{"cmd null", "steps:\n  - cmd:\n",
			[]want{{"2:9", "acb_step_0", false, "cmd is empty"}}},
		{"secret without id", "secrets:\n  - keyvault: https://v.vault.azure.net/secrets/s\n",
			[]want{{"2:5", "", false, "secret has no id"}}},
		{"secret id with space", "secrets:\n  - id: a b\n    keyvault: https://v\n",
			[]want{{"2:5", "", false, `secret id "a b" must not contain whitespace`}}},
		{"secret duplicate", "secrets:\n  - id: s\n    keyvault: k\n  - id: s\n    keyvault: k\n",
			[]want{{"4:5", "", false, `secret id "s" is already used at line 2`}}},
		{"secret without keyvault", "secrets:\n  - id: s\n",
			[]want{{"2:5", "", false, `secret "s" has no keyvault`}}},
		{"secret bad client id", "secrets:\n  - id: s\n    keyvault: k\n    clientID: nope\n",
			[]want{{"4:15", "", false, `clientID "nope" is not a GUID`}}},
		{"network without name", "networks:\n  - driver: bridge\n",
			[]want{{"2:5", "", false, "network has no name"}}},
		{"duplicate network", "networks:\n  - name: n\n  - name: n\n",
			[]want{{"3:5", "", false, `network "n" is already declared at line 2`}}},
		{"step network mapping", "steps:\n  - cmd: x\n    network:\n      name: host\n",
			[]want{{"4:7", "acb_step_0", false, "network must be the name of a network"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			task, diags := parseDiags(t, tt.src, ParseOptions{})
			hasErr := false
			for _, w := range tt.wants {
				hasErr = hasErr || !w.warn
			}
			if hasErr && task != nil {
				t.Fatalf("Parse succeeded, want errors")
			}
			checkDiags(t, diags, tt.wants)
		})
	}
}

// TestTypeErrors checks that wrong YAML shapes are reported in acb's words.
func TestTypeErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		w    want
	}{
		{"when as string", "steps:\n  - cmd: x\n    when: \"-\"\n", want{"3:11", "acb_step_0", false, `when must be a list, found "-"; write it as a list, e.g. when: ["-"]`}},
		{"steps as map", "steps:\n  a:\n    cmd: x\n", want{"2:3", "", false, "steps must be a list, found a mapping"}},
		{"timeout abc", "steps:\n  - cmd: x\n    timeout: abc\n", want{"3:14", "acb_step_0", false, `timeout must be a whole number of seconds, found "abc"`}},
		{"timeout quoted", "steps:\n  - cmd: x\n    timeout: \"10\"\n", want{"3:14", "acb_step_0", false, "timeout must be a whole number"}},
		{"timeout huge", "steps:\n  - cmd: x\n    timeout: 99999999999999999999999\n", want{"3:14", "acb_step_0", false, "out of range"}},
		{"stepTimeout list", "stepTimeout: [1]\n", want{"1:14", "", false, "stepTimeout must be a whole number of seconds, found a list"}},
		{"bool", "steps:\n  - cmd: x\n    detach: maybe\n", want{"3:13", "acb_step_0", false, `detach must be true or false, found "maybe"`}},
		{"step not mapping", "steps:\n  - just a string\n", want{"2:5", "acb_step_0", false, "a step must be a mapping"}},
		{"task not mapping", "- a\n- b\n", want{"1:1", "", false, "a task must be a mapping"}},
		{"cmd list", "steps:\n  - cmd: [a]\n", want{"2:10", "acb_step_0", false, "cmd must be a string, found a list"}},
		{"env entry map", "steps:\n  - cmd: x\n    env:\n      - A: 1\n", want{"4:9", "acb_step_0", false, "env entries must be strings, found a mapping"}},
		{"bad yaml", "steps: [\n  - cmd: x\n", want{"2:3", "", false, ""}},
		{"secrets map", "secrets:\n  id: x\n", want{"2:3", "", false, "secrets must be a list"}},
		{"mount not list", "volumes:\n  - name: v\n    secret: {f: YQ==}\nsteps:\n  - cmd: x\n    volumeMounts: {name: v, mountPath: /m}\n", want{"6:19", "acb_step_0", false, "volumeMounts must be a list"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			task, diags := parseDiags(t, tt.src, ParseOptions{})
			if task != nil {
				t.Fatalf("Parse succeeded, want an error")
			}
			if tt.name == "bad yaml" {
				if len(diags) != 1 || diags[0].Pos.Line == 0 || !strings.Contains(diags[0].Msg, "invalid YAML") {
					t.Fatalf("want one invalid YAML diagnostic with a line, got %v", diags)
				}
				return
			}
			checkDiags(t, diags, []want{tt.w})
		})
	}
}

// TestAllProblemsInOnePass checks that one Parse call reports every problem,
// sorted by position, each formatted with file:line:col and step id.
func TestAllProblemsInOnePass(t *testing.T) {
	src := `version: v9
stepTimeout: abc
steps:
  - id: a
    Cmd: x
  - id: b
    cmd: y
    when: [zzz]
    retries: -2
  - id: a
    build: .
    cache: maybe
`
	_, err := Parse([]byte(src), ParseOptions{File: "acb.yaml"})
	if err == nil {
		t.Fatal("Parse succeeded")
	}
	want := []string{
		`acb.yaml:1:10: unsupported version "v9"`,
		`acb.yaml:2:14: stepTimeout must be a whole number of seconds, found "abc"`,
		`acb.yaml:4:5: step a: step has none of cmd, build or push`,
		`acb.yaml:5:5: step a: unknown step key "Cmd"; did you mean "cmd"?`,
		`acb.yaml:8:12: step b: when names unknown step "zzz"`,
		`acb.yaml:9:14: step b: retries must be 0 or more, found -2`,
		`acb.yaml:10:9: step a: step id "a" is already used by the step at line 4`,
		`acb.yaml:12:12: step a: cache must be enabled or disabled`,
	}
	var lines []string
	for _, l := range strings.Split(err.Error(), "\n") {
		if !strings.Contains(l, "not a valid Docker container name") { // one-letter ids, on purpose here
			lines = append(lines, l)
		}
	}
	if len(lines) != len(want) {
		t.Fatalf("got %d diagnostics, want %d:\n%s", len(lines), len(want), err)
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("diagnostic %d:\n got %s\nwant %s...", i, lines[i], w)
		}
	}
	var l diag.List
	if l, _ = err.(diag.List); len(l.Errors()) != len(want) {
		t.Errorf("Errors() = %d, want %d", len(l.Errors()), len(want))
	}
}

// TestKeyProblems covers unknown and duplicate keys, strict and lenient.
func TestKeyProblems(t *testing.T) {
	tests := []struct {
		name    string
		src     string
		lenient bool
		ok      bool // Parse succeeds
		wants   []want
	}{
		{"case-insensitive suggestion", "steps:\n  - Cmd: x\n", false, false,
			[]want{{"2:5", "acb_step_0", false, `unknown step key "Cmd"; did you mean "cmd"?`}}},
		{"typo suggestion", "steps:\n  - cmd: x\n    entrypoint: sh\n    retires: 1\n", false, false,
			[]want{{"3:5", "acb_step_0", false, `did you mean "entryPoint"?`}, {"4:5", "acb_step_0", false, `did you mean "retries"?`}}},
		{"top-level typo", "versoin: v1.1.0\n", false, false,
			[]want{{"1:1", "", false, `unknown task key "versoin"; did you mean "version"?`}}},
		{"step key at top", "cmd: x\n", false, false,
			[]want{{"1:1", "", false, "it is a step key"}}},
		{"task key in step", "steps:\n  - cmd: x\n    stepTimeout: 1\n", false, false,
			[]want{{"3:5", "acb_step_0", false, "it is a task-level key"}}},
		{"no suggestion", "steps:\n  - cmd: x\n    zzzzzzzz: 1\n", false, false,
			[]want{{"3:5", "acb_step_0", false, `unknown step key "zzzzzzzz"`}}},
		{"nested unknown", "secrets:\n  - id: s\n    keyvault: k\n    clientId: x\n", false, false,
			[]want{{"4:5", "", false, `unknown secret key "clientId"; did you mean "clientID"?`}}},
		{"duplicate step key", "steps:\n  - id: a\n    id: b\n    cmd: x\n", false, false,
			[]want{{"3:5", "b", false, `duplicate step key "id" (first set at line 2)`}}},
		{"duplicate top key", "stepTimeout: 1\nstepTimeout: 2\n", false, false,
			[]want{{"2:1", "", false, `duplicate task key "stepTimeout"`}}},
		{"duplicate version strict is a warning", "version: v1.1.0\nversion: v1.0.0\n", false, true,
			[]want{{"2:1", "", true, `duplicate task key "version" (first set at line 1); the last one wins`}}},
		{"lenient unknown", "steps:\n  - cmd: x\n    bogus: 1\nfoo: 2\n", true, true,
			[]want{{"3:5", "acb_step_0", true, `unknown step key "bogus" ignored`}, {"4:1", "", true, `unknown task key "foo" ignored`}}},
		{"lenient duplicate", "steps:\n  - id: a\n    id: b\n    cmd: x\n", true, true,
			[]want{{"3:5", "b", true, "the last one wins"}}},
		{"volumeMount both spellings", "volumes:\n  - {name: v, secret: {f: YQ==}}\nsteps:\n  - cmd: x\n    volumeMounts: [{name: v, mountPath: /a}]\n    volumeMount: {name: v, mountPath: /b}\n", false, false,
			[]want{{"6:5", "acb_step_0", false, "volumeMount and volumeMounts are the same key"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			task, diags := parseDiags(t, tt.src, ParseOptions{Lenient: tt.lenient})
			if (task != nil) != tt.ok {
				t.Fatalf("Parse ok = %v, want %v: %v", task != nil, tt.ok, diags)
			}
			checkDiags(t, diags, tt.wants)
		})
	}
}

func TestLenientLastWins(t *testing.T) {
	task, err := Parse([]byte("steps:\n  - id: a\n    id: b\n    cmd: x\n    bogus: 1\n"), ParseOptions{Lenient: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := task.Steps[0].ID; got != "b" {
		t.Errorf("id = %q, want b (the last one wins)", got)
	}
	var warnings diag.List
	for _, w := range task.Warnings {
		if !strings.Contains(w.Msg, "not a valid Docker container name") { // one-letter id, on purpose here
			warnings = append(warnings, w)
		}
	}
	if len(warnings) != 2 {
		t.Errorf("warnings = %v, want 2", warnings)
	}
}

// TestLegacyKeys checks that legacy and unused keys are accepted with a
// warning, and that keys meant for other step types are flagged.
func TestLegacyKeys(t *testing.T) {
	src := `version: v1.1.0
totalTimeout: 100
alias:
  values:
    x: y
steps:
  - cmd: x
    cpus: 2
    cmdDownloadRetries: 2
    cmdDownloadRetryDelay: 3
    downloadRetries: 1
    exitedWith: [0]
    exitedWithout: [1]
    secret: {id: s}
    retryOnErrors: [boom]
  - build: .
    entryPoint: sh
    cache: Enabled
  - push: [x]
    ports: ["80:80"]
  - cmd: y
    volumeMount:
      name: v
      mountPath: /m
volumes:
  - name: v
    secret: {f: YQ==}
`
	task, err := Parse([]byte(src), ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	checkDiags(t, task.Warnings, []want{
		{"2:1", "", true, "totalTimeout is a 2018 preview key"},
		{"11:5", "acb_step_0", true, "downloadRetries is ignored"},
		{"12:5", "acb_step_0", true, "exitedWith is a 2018 preview key"},
		{"13:5", "acb_step_0", true, "exitedWithout is a 2018 preview key"},
		{"14:5", "acb_step_0", true, "the step key secret is ignored"},
		{"17:5", "acb_step_1", true, "entryPoint only applies to cmd steps"},
		{"20:5", "acb_step_2", true, "ports has no effect on a push step"},
		{"22:5", "acb_step_3", true, "volumeMount is read as volumeMounts"},
	})
	if task.TotalTimeout != 100 {
		t.Errorf("TotalTimeout = %d", task.TotalTimeout)
	}
	s := task.Steps[0]
	if s.CPUs != "2" || s.CmdDownloadRetries != 2 || s.CmdDownloadRetryDelay != 3 || len(s.RetryOnErrors) != 1 {
		t.Errorf("step 0 = %+v", s)
	}
	if task.Steps[1].Cache != "Enabled" {
		t.Errorf("cache = %q", task.Steps[1].Cache)
	}
	if m := task.Steps[3].VolumeMounts; len(m) != 1 || m[0].Name != "v" || m[0].MountPath != "/m" {
		t.Errorf("volumeMount = %+v", m)
	}
}

func TestDuplicateWhenIsDeduplicated(t *testing.T) {
	src := "steps:\n  - id: a\n    cmd: x\n  - id: b\n    cmd: y\n    when: [a, a]\n"
	task, err := Parse([]byte(src), ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	checkDiags(t, task.Warnings, []want{{"6:15", "b", true, `when names "a" twice (first at line 6)`}})
	if got := task.Steps[1].When; len(got) != 1 || got[0] != "a" {
		t.Errorf("When = %v, want [a]", got)
	}
	d, err := NewDAG(task)
	if err != nil {
		t.Fatal(err)
	}
	if got := d.Deps("b"); len(got) != 1 {
		t.Errorf("Deps(b) = %v", got)
	}
	// A hand-built task with duplicates is deduplicated silently.
	task.Steps[1].When = []string{"a", "a"}
	d, err = NewDAG(task)
	if err != nil {
		t.Fatal(err)
	}
	if got := d.Deps("b"); len(got) != 1 {
		t.Errorf("hand-built Deps(b) = %v", got)
	}
}

func TestLineMap(t *testing.T) {
	_, err := Parse([]byte("steps:\n  - cmd: x\n    bogus: 1\n"), ParseOptions{
		File:    "orig.yaml",
		LineMap: func(l int) int { return l + 10 },
	})
	if err == nil || !strings.HasPrefix(err.Error(), "orig.yaml:13:5: step acb_step_0: unknown step key") {
		t.Fatalf("err = %v", err)
	}
}

func TestGUID(t *testing.T) {
	for s, ok := range map[string]bool{
		"00000000-0000-0000-0000-000000000000":   true,
		"AbCdEf01-2345-6789-abcd-ef0123456789":   true,
		"{00000000-0000-0000-0000-000000000000}": true,
		"00000000-0000-0000-0000-00000000000":    false,
		"00000000x0000-0000-0000-000000000000":   false,
		"g0000000-0000-0000-0000-000000000000":   false,
		"":                                       false,
	} {
		if isGUID(s) != ok {
			t.Errorf("isGUID(%q) = %v", s, !ok)
		}
	}
}
