package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/acb-dev/acb/internal/samples"
	"github.com/acb-dev/acb/internal/testenv"
)

// e2eStep is what a sample's step must log.
type e2eStep struct {
	id     string
	push   []string // refs ("$R" is the registry, "$ID" the run id); none for build and cmd
	detach bool
}

type e2eSample struct {
	file    string   // relative to the corpus
	args    []string // besides the common ones ("$R" is the registry)
	steps   []e2eStep
	out     []string // substrings of stdout
	exact   string   // whole stdout, when set
	builds  bool     // prints the dependency report
	aliases bool     // v1.1.0: alias support line
	noNet   bool     // no cmd step: the run creates no network
	images  []string // images the run leaves behind, removed afterwards ("$R", "$ID")
}

// TestE2ESamples runs the ACR samples that work offline once --alias and
// --image-map point them at local images, and checks ACR's log lines (spec
// §11), the steps' output, pushed digests and that nothing is left. The
// build samples run one after another (they share image names), the others
// in parallel. They use --unique-names, so the log is
// ACR's with the documented --unique-names suffix (the run id, short enough
// to be used as is): acb_default_network_<id>, containers <step>-<id>. That
// keeps them clear of other runs on a shared engine; TestE2EDefaultNames
// checks the bare names.
func TestE2ESamples(t *testing.T) {
	dir := samples.Dir()
	if dir == "" {
		t.Skip("../shared/acr-samples is absent: the sample end-to-end tests need the shared ACR sample corpus beside the project")
	}
	testenv.RequireEngine(t)
	bash, curl, httpd := localImages(t)
	reg := testenv.Registry(t)
	common := []string{
		"--registry", reg, "--pull", "never", "--unique-names",
		"--alias", "bash=" + bash, "--alias", "curl=" + curl,
		"--image-map", "bash=" + bash, "--image-map", "curl=" + curl,
		"--image-map", "mcr.microsoft.com/oss/nginx/nginx:1.15.5-alpine=" + httpd,
	}
	hw := "$R/hello-world:$ID"
	cases := []e2eSample{
		{file: "acr-tasks/files-working-directory.yaml", aliases: true,
			steps: []e2eStep{{id: "write-file"}, {id: "read-file"}, {id: "list-workspace-files"}},
			out:   []string{" UTC ", "hello.txt"}},
		{file: "acr-tasks/when-sequential-default.yaml", aliases: true,
			steps: []e2eStep{{id: "acb_step_0"}, {id: "acb_step_1"}, {id: "acb_step_2"}},
			exact: "one\ntwo\nthree\n"},
		{file: "acr-tasks/when-sequential-id.yaml", aliases: true,
			steps: []e2eStep{{id: "step1"}, {id: "step2"}, {id: "step3"}},
			exact: "one\ntwo\nthree\n"},
		{file: "acr-tasks-v1.0.0/when-sequential-id.yaml",
			steps: []e2eStep{{id: "step1"}, {id: "step2"}, {id: "step3"}},
			exact: "one\ntwo\nthree\n"},
		{file: "acr-tasks/when-parallel.yaml", aliases: true, builds: true, noNet: true,
			steps:  []e2eStep{{id: "build-hello-world"}, {id: "build-hello-world-test"}},
			out:    []string{"build-hello-world | ", "build-hello-world-test | ", "Successfully tagged hello-world-test:latest"},
			images: []string{hw, "hello-world-test:latest"}},
		{file: "acr-tasks/when-parallel-dependent.yaml", aliases: true, builds: true,
			steps: []e2eStep{{id: "build-hello-world"}, {id: "build-hello-world-test"}, {id: "hello-world"}, {id: "func-tests"},
				{id: "acb_step_4", push: []string{hw}}},
			out:    []string{"hello-world | Hello from Docker!", "func-tests | Hello from Docker!"},
			images: []string{hw, "hello-world-test:latest"}},
		{file: "acr-tasks/build-hello-world.yaml", aliases: true, builds: true, noNet: true,
			steps:  []e2eStep{{id: "acb_step_0"}},
			out:    []string{"Successfully tagged " + "$R/hello-world:latest"},
			images: []string{"$R/hello-world:latest"}},
		{file: "acr-tasks/build-push-hello-world.yaml", aliases: true, builds: true, noNet: true,
			steps:  []e2eStep{{id: "acb_step_0"}, {id: "acb_step_1", push: []string{hw}}},
			images: []string{hw}},
		{file: "acr-tasks/build-push-hello-world-multi.yaml", aliases: true, builds: true, noNet: true,
			steps:  []e2eStep{{id: "acb_step_0"}, {id: "acb_step_1", push: []string{hw, "$R/hello-world:latest"}}},
			images: []string{hw, "$R/hello-world:latest"}},
		{file: "acr-tasks-v1.0.0/build-push-hello-world-multi.yaml", builds: true, noNet: true,
			steps:  []e2eStep{{id: "acb_step_0"}, {id: "acb_step_1", push: []string{hw, "$R/hello-world:latest"}}},
			images: []string{hw, "$R/hello-world:latest"}},
		{file: "acr-tasks/build-run-hello-world.yaml", aliases: true, builds: true,
			steps:  []e2eStep{{id: "acb_step_0"}, {id: "acb_step_1", push: []string{hw}}, {id: "acb_step_2"}},
			out:    []string{"Hello from Docker!\n"},
			images: []string{hw}},
		{file: "acr-tasks-v1.0.0/build-run-hello-world.yaml", builds: true,
			steps:  []e2eStep{{id: "acb_step_0"}, {id: "acb_step_1", push: []string{hw}}, {id: "acb_step_2"}},
			out:    []string{"Hello from Docker!\n"},
			images: []string{hw}},
		{file: "acr-tasks/build-test-hello-world.yaml", aliases: true, builds: true,
			steps:  []e2eStep{{id: "build-hello-world"}, {id: "build-hello-world-test"}, {id: "hello-world"}, {id: "func-tests"}},
			out:    []string{"hello-world | Hello from Docker!", "func-tests | Hello from Docker!"},
			images: []string{hw, "hello-world-test:latest"}},
		{file: "acr-tasks/simpletask.yaml", aliases: true, builds: true, noNet: true,
			steps:  []e2eStep{{id: "acb_step_0"}, {id: "acb_step_1", push: []string{hw}}},
			images: []string{hw}},
		{file: "acr-tasks/network-curl.yaml", aliases: true,
			steps: []e2eStep{{id: "nginx", detach: true}, {id: "acb_step_1"}},
			out:   []string{"hello from acbtest/busybox"}},
		// acr-tasks-v1.0.0/network-curl.yaml builds curl FROM alpine with
		// apk add: not offline.
		{file: "acr-tasks/mounts-multistep.yaml", args: []string{"--set", "secret1=first-s3cret", "--set", "secret2=second-s3cret"},
			steps: []e2eStep{{id: "acb_step_0"}, {id: "acb_step_1"}},
			// The secret files' content is masked like every secret value;
			// the masks prove the files held exactly the values.
			exact: "***\n******\n"},
	}
	for _, c := range cases {
		t.Run(strings.TrimSuffix(c.file, ".yaml"), func(t *testing.T) {
			if !c.builds {
				t.Parallel() // no shared image names: only the build samples tag and untag them
			}
			path := filepath.Join(dir, filepath.FromSlash(c.file))
			if _, err := os.Stat(path); err != nil {
				t.Skipf("sample %s absent: %v", c.file, err)
			}
			id := e2eID("s") // unique to this process: another test process may run the samples on the same engine
			subst := strings.NewReplacer("$R", reg, "$ID", id)
			for _, img := range c.images {
				t.Cleanup(func() { removeImage(t, subst.Replace(img)) })
			}
			if c.builds {
				helloBases(t)
			}
			ctxDir := copyDir(t, filepath.Dir(path))
			args := append([]string{"run", "-f", filepath.Base(path), ctxDir, "--id", id}, common...)
			for _, a := range c.args {
				args = append(args, subst.Replace(a))
			}
			r := acbRun(t, args...)
			if r.code != exitOK {
				t.Fatalf("exit %d", r.code)
			}
			checkSampleLog(t, r.log, id, c, subst)
			for _, o := range c.out {
				if o = subst.Replace(o); !strings.Contains(r.out, o) {
					t.Errorf("stdout lacks %q", o)
				}
			}
			if c.exact != "" && r.out != c.exact {
				t.Errorf("stdout %q, want %q", r.out, c.exact)
			}
			for _, s := range c.steps {
				for _, p := range s.push {
					checkPushed(t, subst.Replace(p), r.log+r.out)
				}
			}
			testenv.AssertNoLeftovers(t, id)
		})
	}
}

// checkSampleLog checks ACR's log lines (spec §11) for a sample run.
func checkSampleLog(t *testing.T, log, id string, c e2eSample, subst *strings.Replacer) {
	t.Helper()
	net := "acb_default_network_" + id
	setup := []string{"Downloading source code...", "Finished downloading source code"}
	if c.aliases {
		setup = append(setup, "Alias support enabled for version >= 1.1.0, please see https://aka.ms/acr/tasks/task-aliases for more information.")
	}
	setup = append(setup, "Using acb_vol_")
	if c.noNet {
		setup = append(setup, "Skip creating network: "+net+" (no step of this run starts a container on it)")
	} else {
		setup = append(setup, "Creating Docker network: "+net+", driver: 'bridge'", "Successfully set up Docker network: "+net)
	}
	setup = append(setup,
		"Setting up Docker configuration...",
		"Successfully set up Docker configuration",
		"Executing step ID: ")
	assertLogOrder(t, log, setup...)
	// acb's two engine lines come first, then ACR's.
	if lines := logLines(log); len(lines) < 3 || !strings.HasPrefix(lines[0], "Using Docker engine: ") ||
		!strings.HasPrefix(lines[1], "Docker engine version: ") || !strings.HasPrefix(lines[2], setup[0]) {
		t.Errorf("the log does not start with the engine lines and %q", setup[0])
	}
	var summary []string
	for _, s := range c.steps {
		seq := []string{fmt.Sprintf("Executing step ID: %s. Timeout(sec): 600, Working directory: '', Network: '%s'", s.id, net)}
		if len(s.push) == 0 {
			seq = append(seq, "Launching container with name: "+s.id+"-"+id)
			if !s.detach {
				seq = append(seq, "Successfully executed container: "+s.id+"-"+id)
			}
		}
		for _, p := range s.push {
			p = subst.Replace(p)
			seq = append(seq, "Pushing image: "+p+", attempt 1", "Successfully pushed image: "+p)
		}
		assertLogOrder(t, log, seq...)
		summary = append(summary, "Step ID: "+s.id+" marked as successful (elapsed time in seconds: ")
		re := regexp.MustCompile(`(?m) Step ID: ` + regexp.QuoteMeta(s.id) + ` marked as successful \(elapsed time in seconds: \d+\.\d{6}\)$`)
		if !re.MatchString(log) {
			t.Errorf("no summary line for step %s with 6 decimals", s.id)
		}
	}
	if c.builds {
		summary = append(summary, "The following dependencies were found:")
	} else if strings.Contains(log, "The following dependencies were found:") {
		t.Error("a dependency report without build steps")
	}
	assertLogOrder(t, log, summary...)
	if !regexp.MustCompile(`\n\nRun ID: ` + id + ` was successful after \d`).MatchString(log) {
		t.Errorf("no final line \"Run ID: %s was successful after ...\" after a blank line", id)
	}
	if strings.Contains(log, "WARNING") || strings.Contains(log, "Failed to") {
		t.Error("unexpected warning or failure line")
	}
}

// checkPushed asks the registry for ref's digest independently and checks
// it appears in the run's log (the push output and the dependency report).
func checkPushed(t *testing.T, ref, log string) {
	t.Helper()
	r, err := name.ParseReference(ref, name.Insecure)
	if err != nil {
		t.Fatal(err)
	}
	desc, err := remote.Head(r)
	if err != nil {
		t.Errorf("%s not in the registry: %v", ref, err)
		return
	}
	if !strings.Contains(log, desc.Digest.String()) {
		t.Errorf("the registry's digest of %s, %s, is not in the log", ref, desc.Digest)
	}
}

// helloBases tags a local stand-in under the names the samples' Dockerfiles
// start FROM (ImageMap does not rewrite FROM lines) until the test ends.
// Each build subtest tags them afresh: other tests tag and untag the same
// names.
func helloBases(t *testing.T) {
	t.Helper()
	for _, base := range []string{"mcr.microsoft.com/hello-world:latest", "hello-world:latest"} {
		buildImage(t, base, map[string]string{"Dockerfile": "FROM " + testenv.BusyboxImage(t) + "\nCMD [\"echo\", \"Hello from Docker!\"]\n"})
	}
}
