package main

import (
	"context"
	"io"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/acb-dev/acb/internal/testenv"
)

// runObjects lists what is labelled with the run id, as "kind name" lines
// (volumes and images by prefix), sorted.
func runObjects(t *testing.T, run string) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	objs, err := testenv.Engine(t).ListRunObjects(ctx, run)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, o := range objs {
		name := o.Name
		if o.Kind == "volume" || o.Kind == "image" {
			if i := strings.LastIndex(name, "_"); i > 0 {
				name = name[:i+1] + "*"
			}
		}
		out = append(out, o.Kind+" "+name)
	}
	slices.Sort(out)
	return out
}

// removeRunObjects removes whatever is labelled with the run id.
func removeRunObjects(t *testing.T, run string) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	e := testenv.Engine(t)
	objs, err := e.ListRunObjects(ctx, run)
	if err != nil {
		t.Logf("listing %s: %v", run, err)
		return
	}
	for _, o := range objs {
		if err := e.RemoveObject(ctx, o); err != nil {
			t.Logf("removing %s %s: %v", o.Kind, o.Name, err)
		}
	}
}

// acbProc runs the acb binary with stdin closed and returns its streams
// and exit code.
func acbProc(t *testing.T, bin string, args ...string) e2eResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	var out, errOut lockedBuffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("acb %v: %v", args, err)
	}
	r := e2eResult{out: out.String(), log: errOut.String(), code: code}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("acb %s\nexit %d\nstderr:\n%s\nstdout:\n%s", strings.Join(args, " "), r.code, r.log, r.out)
		}
	})
	return r
}

// TestE2EKeepOnFailureShellClean fails a step with --keep-on-failure and
// checks exactly what is kept, opens acb shell in the failed step through
// a pseudo-terminal, then removes everything with acb clean.
func TestE2EKeepOnFailureShellClean(t *testing.T) {
	bb := testenv.BusyboxImage(t)
	bin := buildAcb(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"acb.yaml": "version: v1.1.0\nsteps:\n" +
			"  - id: ok\n    cmd: " + bb + " sh -c 'echo from-ok > /workspace/ok.txt'\n" +
			"  - id: bad\n    cmd: " + bb + " sh -c 'echo left-by-bad > /tmp/state; exit 4'\n    env: [STEP_VAR=in-the-step]\n    workingDirectory: sub\n" +
			"  - id: never\n    cmd: " + bb + " true\n",
		"sub/src.txt": "source\n",
	})
	id := e2eID("kf")
	t.Cleanup(func() { removeRunObjects(t, id) })
	r := acbProc(t, bin, "run", dir, "--id", id, "--unique-names", "--pull", "never", "--keep-on-failure")
	if r.code != exitFailed {
		t.Fatalf("exit %d, want %d", r.code, exitFailed)
	}
	want := []string{"container bad-" + id, "network acb_default_network_" + id, "volume acb_home_*", "volume acb_vol_*"}
	if got := runObjects(t, id); !slices.Equal(got, want) {
		t.Fatalf("kept %q, want %q", got, want)
	}
	for _, line := range []string{
		"Kept for inspection after step ID: bad failed (--keep-on-failure): container bad-" + id + "; networks acb_default_network_" + id + "; volumes acb_home_",
		"To open a shell in the failed step's file system: acb shell bad --run " + id,
		"To inspect the container: docker logs bad-" + id + "; docker diff bad-" + id,
		"To clean up: acb clean --run " + id,
		"  or: docker rm -f bad-" + id + " && docker network rm acb_default_network_" + id + " && docker volume rm acb_home_",
	} {
		if !strings.Contains(r.log, line) {
			t.Errorf("log lacks %q", line)
		}
	}

	// A dry run lists and removes nothing.
	c := acbProc(t, bin, "clean", "--run", id, "--dry-run")
	if c.code != 0 || strings.Count(c.out, "would remove ") != 4 || !strings.Contains(c.out, "would remove container bad-"+id+" (run "+id+")") {
		t.Fatalf("clean --dry-run: exit %d\n%s", c.code, c.out)
	}
	if got := runObjects(t, id); len(got) != 4 {
		t.Fatalf("dry run removed something: %q", got)
	}

	// The shell: the step's file system, env, working directory, mounts.
	sh := exec.Command(bin, "shell", "bad", "--run", id)
	ptmx, err := pty.StartWithSize(sh, &pty.Winsize{Rows: 30, Cols: 100})
	if err != nil {
		t.Fatal(err)
	}
	defer ptmx.Close()
	var screen lockedBuffer
	go func() { _, _ = io.Copy(&screen, ptmx) }()
	if !waitFor(t, 30*time.Second, screen.String, "exit the shell to leave") {
		t.Fatalf("no shell notice:\n%s", screen.String())
	}
	if _, err := io.WriteString(ptmx, "echo \"[$(cat /tmp/state)|$STEP_VAR|$(pwd)|$(cat /workspace/ok.txt)]\"; sleep 0.5; stty size\r"); err != nil {
		t.Fatal(err)
	}
	if !waitFor(t, 20*time.Second, screen.String, "[left-by-bad|in-the-step|/workspace/sub|from-ok]") {
		t.Fatalf("shell output:\n%s", screen.String())
	}
	if !waitFor(t, 20*time.Second, screen.String, "30 100") { // the pty's size reached the shell's terminal
		t.Errorf("terminal size not forwarded:\n%s", screen.String())
	}
	if _, err := io.WriteString(ptmx, "exit 7\r"); err != nil {
		t.Fatal(err)
	}
	if code := waitExit(t, sh, 30*time.Second); code != 7 {
		t.Errorf("acb shell exit %d, want 7:\n%s", code, screen.String())
	}
	if got := runObjects(t, id); !slices.Equal(got, want) {
		t.Errorf("after the shell: %q, want %q (its image and container removed, the kept objects left)", got, want)
	}

	c = acbProc(t, bin, "clean", "--run", id)
	if c.code != 0 || strings.Count(c.out, "removed ") != 4 {
		t.Errorf("clean: exit %d\n%s", c.code, c.out)
	}
	testenv.AssertNoLeftovers(t, id)
}

// waitExit waits for a started command and returns its exit code; it kills
// the command after d.
func waitExit(t *testing.T, cmd *exec.Cmd, d time.Duration) int {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var err error
	select {
	case err = <-done:
	case <-time.After(d):
		_ = cmd.Process.Kill()
		err = <-done
		t.Errorf("%s did not end within %s", cmd.Path, d)
	}
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	if err != nil {
		t.Errorf("wait: %v", err)
		return -1
	}
	return 0
}

// TestE2EShellOnFailure runs acb on a pseudo-terminal with
// --shell-on-failure: the failing step's shell opens at once, and what the
// run kept is removed when the shell exits.
func TestE2EShellOnFailure(t *testing.T) {
	bb := testenv.BusyboxImage(t)
	bin := buildAcb(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"acb.yaml": "version: v1.1.0\nsteps:\n" +
		"  - id: breaks\n    cmd: " + bb + " sh -c 'echo broken-state > /tmp/why; exit 3'\n"})
	id := e2eID("so")
	t.Cleanup(func() { removeRunObjects(t, id) })
	cmd := exec.Command(bin, "run", dir, "--id", id, "--unique-names", "--pull", "never", "--shell-on-failure")
	ptmx, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 30, Cols: 100})
	if err != nil {
		t.Fatal(err)
	}
	defer ptmx.Close()
	var screen lockedBuffer
	go func() { _, _ = io.Copy(&screen, ptmx) }()
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("terminal:\n%s", screen.String())
		}
	})
	if !waitFor(t, 60*time.Second, screen.String, "exit the shell to leave") {
		t.Fatal("no shell after the failure")
	}
	if _, err := io.WriteString(ptmx, "cat /tmp/why; exit\r"); err != nil {
		t.Fatal(err)
	}
	if !waitFor(t, 20*time.Second, screen.String, "broken-state") {
		t.Error("the shell is not in the failed step's file system")
	}
	if code := waitExit(t, cmd, 60*time.Second); code != exitFailed {
		t.Errorf("exit %d, want %d (the run's)", code, exitFailed)
	}
	testenv.AssertNoLeftovers(t, id)
}

// TestE2EShellFresh: acb shell STEP on a task with no kept container runs
// the steps STEP needs, then a shell in STEP's place (its image, env,
// working directory, mounts), fed by acb's stdin; acb exits with the
// shell's code and leaves nothing behind.
func TestE2EShellFresh(t *testing.T) {
	bb := testenv.BusyboxImage(t)
	bin := buildAcb(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"acb.yaml": "version: v1.1.0\nsteps:\n" +
		"  - id: prep\n    cmd: " + bb + " sh -c 'echo prepared-by-prep > /workspace/prepared'\n" +
		"  - id: target\n    cmd: " + bb + " false\n    env: [STEP_VAR=of-target]\n    workingDirectory: sub\n" +
		"  - id: later\n    cmd: " + bb + " echo later-ran\n"})
	id := e2eID("sf")
	t.Cleanup(func() { removeRunObjects(t, id) })
	cmd := exec.Command(bin, "shell", "target", dir, "--id", id, "--unique-names", "--pull", "never")
	cmd.Stdin = strings.NewReader("echo \"[$(cat /workspace/prepared)|$STEP_VAR|$(pwd)]\"\nexit 0\n")
	var out, errOut lockedBuffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if code := waitExit(t, cmd, 2*time.Minute); code != 0 {
		t.Errorf("exit %d", code)
	}
	if !strings.Contains(out.String(), "[prepared-by-prep|of-target|/workspace/sub]") {
		t.Errorf("stdout %q\nstderr:\n%s", out.String(), errOut.String())
	}
	for _, want := range []string{"No kept container of step target: running the task up to it", "Leaving out step ID: later"} {
		if !strings.Contains(errOut.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut.String())
		}
	}
	if strings.Contains(out.String(), "later-ran") {
		t.Error("a step after the shell's ran")
	}
	testenv.AssertNoLeftovers(t, id)
}
