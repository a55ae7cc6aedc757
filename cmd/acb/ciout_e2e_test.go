package main

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/acb-dev/acb/internal/testenv"
)

// jsonLines parses every line of a --log-format json stdout, failing the
// test on a line that is not one JSON object, and returns them.
func jsonLines(t *testing.T, out string) []map[string]any {
	t.Helper()
	var evs []map[string]any
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		var ev map[string]any
		if err := json.Unmarshal([]byte(l), &ev); err != nil {
			t.Errorf("not a JSON object: %q", l)
			continue
		}
		evs = append(evs, ev)
	}
	return evs
}

// checkRunEvent checks that the last event is the run event with this
// status and exit code, and that it carries the schema version.
func checkRunEvent(t *testing.T, evs []map[string]any, status string, code int) map[string]any {
	t.Helper()
	if len(evs) == 0 {
		t.Fatal("no JSON lines")
	}
	last := evs[len(evs)-1]
	if last["event"] != "run" || last["status"] != status || last["exitCode"] != float64(code) || last["schema"] != float64(1) {
		t.Errorf("last line %v, want the run event with status %s and exit code %d", last, status, code)
	}
	wantLevel := "info"
	if code != 0 {
		wantLevel = "error"
	}
	if last["level"] != wantLevel {
		t.Errorf("run event level %v, want %s", last["level"], wantLevel)
	}
	return last
}

// interleaved writes 1 and 3 to stdout, 2 and 4 to stderr, in that order.
// The pauses matter: the engine reads a container's stdout and stderr
// from two pipes, so writes closer together than its reads reach it in
// either order (docker run and docker logs show them swapped too).
const interleaved = `sh -c 'echo 1; sleep 0.3; echo 2 >&2; sleep 0.3; echo 3; sleep 0.3; echo 4 >&2'`

// TestE2EJSONRunsAndResultFiles runs a successful task, a failing one and
// one with a bad task file with --log-format json, --result-file, --junit
// and --report-file: every stdout line is a JSON object, nothing goes to
// stderr, the run event comes last with the run's status and exit code,
// step output keeps its order and streams, and the files say what
// happened (a stale report is replaced).
func TestE2EJSONRunsAndResultFiles(t *testing.T) {
	t.Parallel()
	bb := testenv.BusyboxImage(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"ok.yaml": "version: v1.1.0\nsteps:\n  - id: talk\n    cmd: " + bb + " " + interleaved + "\n",
		"fail.yaml": "version: v1.1.0\nsteps:\n  - id: first\n    cmd: " + bb + " echo fine\n" +
			"  - id: bad\n    cmd: " + bb + ` sh -c 'echo some output; echo the reason >&2; exit 3'` + "\n" +
			"  - id: never\n    cmd: " + bb + " true\n",
		"broken.yaml": "version: v1.1.0\nsteps:\n  - id: x\n    cmdd: nothing\n",
	})
	files := func(name string) (result, junit, rep string) {
		result, junit, rep = filepath.Join(dir, name+".result.json"), filepath.Join(dir, name+".junit.xml"), filepath.Join(dir, name+".report.json")
		// Stale files of an earlier run must not survive.
		for _, p := range []string{result, junit, rep} {
			if err := os.WriteFile(p, []byte("stale"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	runJSON := func(name, task string) (e2eResult, string, string, string, string) {
		id := e2eID("js")
		result, junit, rep := files(name)
		r := acbRun(t, "run", "-f", task, dir, "--id", id, "--unique-names", "--pull", "never", "--log-format", "json",
			"--result-file", result, "--junit", junit, "--report-file", rep)
		testenv.AssertNoLeftovers(t, id)
		if r.log != "" {
			t.Errorf("%s: stderr is not empty: %q", name, r.log)
		}
		return r, id, result, junit, rep
	}
	readResult := func(p string) resultDoc {
		t.Helper()
		var d resultDoc
		b, err := os.ReadFile(p)
		if err == nil {
			err = json.Unmarshal(b, &d)
		}
		if err != nil {
			t.Fatalf("result file %s: %v", p, err)
		}
		return d
	}
	readFile := func(p string) []byte {
		t.Helper()
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}

	t.Run("success", func(t *testing.T) {
		r, id, result, junit, rep := runJSON("ok", "ok.yaml")
		if r.code != exitOK {
			t.Fatalf("exit %d", r.code)
		}
		evs := jsonLines(t, r.out)
		checkRunEvent(t, evs, "successful", 0)
		if evs[0]["event"] != "start" || evs[0]["runId"] != id || !strings.HasSuffix(evs[0]["taskFile"].(string), "ok.yaml") || evs[0]["engine"] == "" || evs[0]["version"] == nil {
			t.Errorf("first line %v, want the start event", evs[0])
		}
		var lines, streams []string
		var end map[string]any
		for _, ev := range evs {
			switch ev["event"] {
			case "output":
				lines = append(lines, ev["line"].(string))
				streams = append(streams, ev["stream"].(string))
			case "stepEnd":
				end = ev
			}
		}
		if strings.Join(lines, " ") != "1 2 3 4" || strings.Join(streams, " ") != "stdout stderr stdout stderr" {
			t.Errorf("output lines %q on %q, want 1 2 3 4 on stdout stderr stdout stderr", lines, streams)
		}
		if end == nil || end["status"] != "successful" || end["exitCode"] != float64(0) || end["attempt"] != float64(1) || end["elapsedMs"] == nil {
			t.Errorf("stepEnd %v", end)
		}
		d := readResult(result)
		if d.RunID != id || d.Status != "successful" || d.ExitCode != 0 || len(d.Steps) != 1 || d.Steps[0].Image != testenv.BusyboxImage(t) ||
			d.Start.IsZero() || d.End.Before(d.Start) || string(d.Dependencies) != "[]" {
			t.Errorf("result file %+v", d)
		}
		if cs := parseJUnit(t, readFile(junit)).Suites[0].Cases; len(cs) != 1 || cs[0].Name != "talk" || cs[0].Failure != nil || cs[0].SystemOut != "1\n2\n3\n4" {
			t.Errorf("JUnit cases %+v", cs)
		}
		if b := readFile(rep); strings.TrimSpace(string(b)) != "[]" {
			t.Errorf("report file %q", b)
		}
	})

	t.Run("step failure", func(t *testing.T) {
		r, _, result, junit, rep := runJSON("fail", "fail.yaml")
		if r.code != exitFailed {
			t.Fatalf("exit %d", r.code)
		}
		last := checkRunEvent(t, jsonLines(t, r.out), "failed", exitFailed)
		if !strings.Contains(last["error"].(string), "failed to run step ID: bad: exit status 3") {
			t.Errorf("run event error %v", last["error"])
		}
		d := readResult(result)
		if d.Status != "failed" || d.ExitCode != exitFailed || len(d.Steps) != 3 {
			t.Fatalf("result file %+v", d)
		}
		for i, want := range []struct {
			status   string
			code     int
			attempts int
		}{{"successful", 0, 1}, {"failed", 3, 1}, {"skipped", -1, 0}} {
			if s := d.Steps[i]; s.Status != want.status || s.ExitCode != want.code || s.Attempts != want.attempts || s.Kind != "cmd" {
				t.Errorf("step %d: %+v, want %+v", i, s, want)
			}
		}
		s := parseJUnit(t, readFile(junit)).Suites[0]
		if s.Failures != 1 || s.Skipped != 1 || len(s.Cases) != 3 {
			t.Fatalf("JUnit suite %+v", s)
		}
		if f := s.Cases[1].Failure; f == nil || !strings.Contains(f.Text, "some output") || !strings.Contains(f.Text, "the reason") || !strings.Contains(f.Text, "exit code: 3") {
			t.Errorf("JUnit failure %+v", f)
		}
		if b := readFile(rep); strings.TrimSpace(string(b)) != "[]" {
			t.Errorf("report file %q, want the (empty) report of what is known", b)
		}
	})

	t.Run("input error", func(t *testing.T) {
		r, _, result, junit, rep := runJSON("broken", "broken.yaml")
		if r.code != exitInput {
			t.Fatalf("exit %d", r.code)
		}
		evs := jsonLines(t, r.out)
		checkRunEvent(t, evs, "invalid", exitInput)
		if len(evs) < 2 || evs[len(evs)-2]["event"] != "error" || evs[len(evs)-2]["level"] != "error" ||
			!strings.Contains(evs[len(evs)-2]["msg"].(string), "broken.yaml:4") {
			t.Errorf("no error event naming the line before the run event: %v", evs)
		}
		if d := readResult(result); d.Status != "invalid" || d.ExitCode != exitInput || !strings.Contains(d.Error, "cmdd") {
			t.Errorf("result file %+v", d)
		}
		if cs := parseJUnit(t, readFile(junit)).Suites[0].Cases; len(cs) != 1 || cs[0].Failure == nil {
			t.Errorf("JUnit cases %+v", cs)
		}
		if b := readFile(rep); strings.TrimSpace(string(b)) != "[]" {
			t.Errorf("stale report file survived: %q", b)
		}
	})

	t.Run("usage error", func(t *testing.T) {
		out, errOut, code := runCLI(t, "run", "--log-format", "json", "--no-such-flag")
		if code != exitInput || errOut != "" {
			t.Fatalf("exit %d, stderr %q", code, errOut)
		}
		checkRunEvent(t, jsonLines(t, out), "invalid", exitInput)
	})
}

// TestE2EStderrAndSummaryText checks text output: a step's stdout on
// stdout and its stderr on stderr, in order when both go to one file (as
// 2>&1 does), and the summary table after ACR's final line.
func TestE2EStderrAndSummaryText(t *testing.T) {
	t.Parallel()
	bb := testenv.BusyboxImage(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"acb.yaml": "version: v1.1.0\nsteps:\n  - id: talk\n    cmd: " + bb + " " + interleaved + "\n"})
	id := e2eID("tx")
	r := acbRun(t, "run", dir, "--id", id, "--unique-names", "--pull", "never")
	if r.code != exitOK {
		t.Fatalf("exit %d", r.code)
	}
	if r.out != "1\n3\n" {
		t.Errorf("stdout %q, want the step's stdout only", r.out)
	}
	if strings.Count(r.log, "\n2\n") != 1 || strings.Index(r.log, "\n2\n") > strings.Index(r.log, "\n4\n") {
		t.Errorf("stderr lacks the step's stderr lines in order:\n%s", r.log)
	}
	final := strings.Index(r.log, "Run ID: "+id+" was successful")
	table := strings.Index(r.log, "STEP  STATUS")
	if final < 0 || table < final || !strings.Contains(r.log[table:], "talk  successful") {
		t.Errorf("no summary table after the final line:\n%s", r.log)
	}

	// -v adds debug lines: the container acb creates and its exit code.
	id = e2eID("tx")
	r = acbRun(t, "run", dir, "--id", id, "--unique-names", "--pull", "never", "-v")
	testenv.AssertNoLeftovers(t, id)
	if r.code != exitOK || !strings.Contains(r.log, "container talk-"+id+": image ") ||
		!strings.Contains(r.log, "container talk-"+id+" exited with code 0") {
		t.Errorf("-v: exit %d, no debug lines:\n%s", r.code, r.log)
	}

	// stdout and stderr on one writer: the order the step wrote.
	var both lockedBuffer
	id = e2eID("tx")
	code := run(testenv.Context(t, 2*time.Minute), []string{"run", dir, "--id", id, "--unique-names", "--pull", "never", "-q"},
		strings.NewReader(""), &both, &both)
	testenv.AssertNoLeftovers(t, id)
	// -q: no step output at all, only the final line.
	if code != exitOK || strings.Contains(both.String(), "1\n") || !strings.HasPrefix(both.String(), "Run ID: "+id+" was successful") {
		t.Errorf("-q: exit %d, output %q", code, both.String())
	}
	both = lockedBuffer{}
	id = e2eID("tx")
	code = run(testenv.Context(t, 2*time.Minute), []string{"run", dir, "--id", id, "--unique-names", "--pull", "never"},
		strings.NewReader(""), &both, &both)
	testenv.AssertNoLeftovers(t, id)
	var got []string
	for _, l := range strings.Split(both.String(), "\n") {
		if len(l) == 1 {
			got = append(got, l)
		}
	}
	if code != exitOK || strings.Join(got, " ") != "1 2 3 4" {
		t.Errorf("exit %d, step lines %q on one writer, want 1 2 3 4", code, got)
	}
}

// TestE2EColorAndInterrupt runs the acb binary: a step printing ANSI
// colours keeps them only on a pseudo-terminal without NO_COLOR (stripped
// in a pipe, with NO_COLOR and in JSON); SIGINT and SIGTERM on a JSON run
// give JSON lines only, the run event last, and result files with the
// exit code 130 / 143.
func TestE2EColorAndInterrupt(t *testing.T) {
	t.Parallel()
	bb := testenv.BusyboxImage(t)
	bin := buildAcb(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"color.yaml": "version: v1.1.0\nsteps:\n  - id: paint\n    cmd: " + bb + ` printf '\033[31mred\033[0m\n'` + "\n",
		"long.yaml":  "version: v1.1.0\nsteps:\n  - id: long\n    cmd: " + bb + " sleep 60\n",
	})
	const red = "\x1b[31mred\x1b[0m"
	t.Run("colour", func(t *testing.T) {
		for _, c := range []struct {
			name     string
			tty      bool
			env      []string
			json     bool
			wantANSI bool
		}{
			{"terminal", true, nil, false, true},
			{"terminal NO_COLOR", true, []string{"NO_COLOR=1"}, false, false},
			{"terminal json", true, nil, true, false},
			{"pipe", false, nil, false, false},
		} {
			id := e2eID("co")
			args := []string{"run", "-f", "color.yaml", dir, "--id", id, "--unique-names", "--pull", "never"}
			if c.json {
				args = append(args, "--log-format", "json")
			}
			cmd := exec.Command(bin, args...)
			cmd.Env = append(os.Environ(), c.env...)
			var out []byte
			var err error
			if c.tty {
				out, err = runOnPTY(t, cmd)
			} else {
				out, err = cmd.CombinedOutput()
			}
			testenv.AssertNoLeftovers(t, id)
			if err != nil {
				t.Errorf("%s: %v\n%s", c.name, err, out)
				continue
			}
			if strings.Contains(string(out), red) != c.wantANSI || !strings.Contains(string(out), "red") {
				t.Errorf("%s: colour kept %v, want %v:\n%q", c.name, strings.Contains(string(out), red), c.wantANSI, out)
			}
		}
	})
	for _, c := range []struct {
		sig  syscall.Signal
		code int
	}{{syscall.SIGINT, exitSIGINT}, {syscall.SIGTERM, exitSIGTERM}} {
		t.Run(c.sig.String(), func(t *testing.T) {
			id := e2eID("in")
			result, junit := filepath.Join(t.TempDir(), "r.json"), filepath.Join(t.TempDir(), "j.xml")
			cmd := exec.Command(bin, "run", "-f", "long.yaml", dir, "--id", id, "--unique-names", "--pull", "never",
				"--log-format", "json", "--result-file", result, "--junit", junit)
			var stdout lockedBuffer
			var stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			exited := make(chan struct{})
			go func() { _ = cmd.Wait(); close(exited) }()
			t.Cleanup(func() {
				_ = cmd.Process.Signal(syscall.SIGTERM)
				<-exited
			})
			if !waitFor(t, time.Minute, stdout.String, `"msg":"Launching container with name: long-`+id) {
				t.Fatalf("the step did not start:\n%s", stdout.String())
			}
			time.Sleep(200 * time.Millisecond)
			_ = cmd.Process.Signal(c.sig)
			select {
			case <-exited:
			case <-time.After(45 * time.Second):
				t.Fatal("acb did not exit")
			}
			if got := cmd.ProcessState.ExitCode(); got != c.code {
				t.Errorf("exit %d, want %d", got, c.code)
			}
			if stderr.Len() != 0 {
				t.Errorf("stderr %q", stderr.String())
			}
			checkRunEvent(t, jsonLines(t, stdout.String()), "interrupted", c.code)
			b, err := os.ReadFile(result)
			var d resultDoc
			if err == nil {
				err = json.Unmarshal(b, &d)
			}
			if err != nil || d.ExitCode != c.code || d.Status != "interrupted" || len(d.Steps) != 1 || d.Steps[0].Status != "cancelled" {
				t.Errorf("result file %s (%v)", b, err)
			}
			b, err = os.ReadFile(junit)
			if err != nil {
				t.Fatal(err)
			}
			if cs := parseJUnit(t, b).Suites[0].Cases; len(cs) != 1 || cs[0].Skipped == nil {
				t.Errorf("JUnit %s", b)
			}
			testenv.AssertNoLeftovers(t, id)
		})
	}
}

// runOnPTY runs cmd with stdin, stdout and stderr on a new pseudo-terminal
// and returns what it wrote.
func runOnPTY(t *testing.T, cmd *exec.Cmd) ([]byte, error) {
	t.Helper()
	ptmx, err := pty.Start(cmd)
	if err != nil {
		t.Fatal(err)
	}
	defer ptmx.Close()
	var out bytes.Buffer
	copied := make(chan struct{})
	go func() { _, _ = io.Copy(&out, ptmx); close(copied) }() // ends with EIO when the child exits
	err = cmd.Wait()
	select {
	case <-copied:
	case <-time.After(5 * time.Second):
	}
	return out.Bytes(), err
}

// TestE2EProgressTerminal pushes an image to a local registry and pulls
// it back with the acb binary: on a pseudo-terminal the progress is drawn
// in place as the docker CLI draws it (lines erased and rewritten), in a
// pipe it is one line per layer and phase, without escape sequences.
func TestE2EProgressTerminal(t *testing.T) {
	t.Parallel()
	bb := testenv.BusyboxImage(t)
	bin := buildAcb(t)
	reg := testenv.Registry(t)
	ref := reg + "/ciout/progress:1"
	big := make([]byte, 2<<20)
	for i := range big {
		big[i] = byte(i*7919 + i/4096) // not all zeroes: a layer worth compressing
	}
	buildImage(t, ref, map[string]string{"Dockerfile": "FROM " + bb + "\nCOPY big /big\n", "big": string(big)})
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"acb.yaml": "version: v1.1.0\nsteps:\n  - id: up\n    push: [\"" + ref + "\"]\n" +
		"  - id: down\n    cmd: " + ref + " true\n    pull: true\n"})
	for _, tty := range []bool{true, false} {
		id := e2eID("pg")
		cmd := exec.Command(bin, "run", dir, "--id", id, "--unique-names")
		var out []byte
		var err error
		if tty {
			out, err = runOnPTYSize(t, cmd, &pty.Winsize{Cols: 160, Rows: 50})
		} else {
			out, err = cmd.CombinedOutput()
		}
		testenv.AssertNoLeftovers(t, id)
		if err != nil {
			t.Fatalf("tty %v: %v\n%q", tty, err, out)
		}
		s := string(out)
		drawn := strings.Contains(s, "\x1b[2K")
		if drawn != tty || !strings.Contains(s, "digest: sha256:") {
			t.Errorf("tty %v: progress drawn in place %v:\n%q", tty, drawn, s)
		}
		if !tty && (strings.Contains(s, "\x1b[") || !strings.Contains(s, ": Pushed") && !strings.Contains(s, ": Layer already exists")) {
			t.Errorf("pipe: want one plain line per layer and phase:\n%s", s)
		}
	}
}

// runOnPTYSize is runOnPTY on a terminal of the given size.
func runOnPTYSize(t *testing.T, cmd *exec.Cmd, ws *pty.Winsize) ([]byte, error) {
	t.Helper()
	ptmx, err := pty.StartWithSize(cmd, ws)
	if err != nil {
		t.Fatal(err)
	}
	defer ptmx.Close()
	var out bytes.Buffer
	copied := make(chan struct{})
	go func() { _, _ = io.Copy(&out, ptmx); close(copied) }()
	err = cmd.Wait()
	select {
	case <-copied:
	case <-time.After(5 * time.Second):
	}
	return out.Bytes(), err
}
