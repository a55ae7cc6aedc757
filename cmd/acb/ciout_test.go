package main

import (
	"encoding/xml"
	"errors"
	"strings"
	"testing"
	"time"
)

// junitDoc is what CI systems read of a JUnit file, decoded independently
// of the writer's types.
type junitDoc struct {
	XMLName xml.Name `xml:"testsuites"`
	Tests   int      `xml:"tests,attr"`
	Suites  []struct {
		Name     string `xml:"name,attr"`
		Tests    int    `xml:"tests,attr"`
		Failures int    `xml:"failures,attr"`
		Skipped  int    `xml:"skipped,attr"`
		Cases    []struct {
			Name    string `xml:"name,attr"`
			Time    string `xml:"time,attr"`
			Failure *struct {
				Message string `xml:"message,attr"`
				Text    string `xml:",chardata"`
			} `xml:"failure"`
			Skipped *struct {
				Message string `xml:"message,attr"`
			} `xml:"skipped"`
			SystemOut string `xml:"system-out"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func parseJUnit(t *testing.T, b []byte) junitDoc {
	t.Helper()
	var d junitDoc
	if err := xml.Unmarshal(b, &d); err != nil {
		t.Fatalf("JUnit XML does not parse: %v\n%s", err, b)
	}
	if len(d.Suites) != 1 {
		t.Fatalf("%d test suites, want 1:\n%s", len(d.Suites), b)
	}
	return d
}

func TestJUnitCases(t *testing.T) {
	doc := resultDoc{RunID: "r1", ExitCode: exitFailed, Status: "failed", ElapsedMs: 2500, Start: time.Now(),
		Steps: []stepDoc{
			{ID: "ok", Status: "successful", ElapsedMs: 1250},
			{ID: "bad", Status: "failed", ExitCode: 3, Error: "exit status 3", ElapsedMs: 10},
			{ID: "side", Status: "cancelled", Error: "context canceled"},
			{ID: "later", Status: "skipped"},
		}}
	tails := map[string][]string{"ok": {"fine"}, "bad": {"line <1>", "boom \x01 ***"}}
	b, err := junitXML(doc, "dir/task.yaml", func(s string) []string { return tails[s] })
	if err != nil {
		t.Fatal(err)
	}
	d := parseJUnit(t, b)
	s := d.Suites[0]
	if d.Tests != 4 || s.Tests != 4 || s.Failures != 1 || s.Skipped != 2 || len(s.Cases) != 4 {
		t.Fatalf("counts: %+v", d)
	}
	if c := s.Cases[0]; c.Name != "ok" || c.Time != "1.250" || c.Failure != nil || c.Skipped != nil || c.SystemOut != "fine" {
		t.Errorf("successful case %+v", c)
	}
	c := s.Cases[1]
	if c.Failure == nil || c.Failure.Message != "exit status 3" || !strings.Contains(c.Failure.Text, "exit code: 3") ||
		!strings.Contains(c.Failure.Text, "line <1>\nboom \uFFFD ***") {
		t.Errorf("failed case %+v", c)
	}
	if c := s.Cases[2]; c.Skipped == nil || !strings.HasPrefix(c.Skipped.Message, "cancelled") {
		t.Errorf("cancelled case %+v", c)
	}
	if c := s.Cases[3]; c.Skipped == nil || c.Skipped.Message != "not run" {
		t.Errorf("skipped case %+v", c)
	}

	// A run that failed before its steps is one failed case.
	b, err = junitXML(resultDoc{ExitCode: exitInput, Status: "invalid", Error: "task.yaml:3: bad"}, "", func(string) []string { return nil })
	if err != nil {
		t.Fatal(err)
	}
	d = parseJUnit(t, b)
	if cs := d.Suites[0].Cases; len(cs) != 1 || cs[0].Failure == nil || cs[0].Failure.Message != "task.yaml:3: bad" {
		t.Errorf("input error: %s", b)
	}
}

func TestSummaryTable(t *testing.T) {
	got := summaryTable([]stepDoc{
		{ID: "build", Status: "successful", ElapsedMs: 1500, Tags: []string{"r/app:1"}, ImageID: "sha256:0123456789abcdef0123"},
		{ID: "push", Status: "successful", ElapsedMs: 65000, Digests: map[string]string{"r/app:1": "sha256:feed"}},
		{ID: "test", Status: "failed", ElapsedMs: 12345, Image: "busybox"},
	})
	want := `
STEP   STATUS      ELAPSED  IMAGE / DIGEST
build  successful  1.50s    r/app:1 (sha256:0123456789ab)
push   successful  1m5s     r/app:1@sha256:feed
test   failed      12.3s    busybox
`
	if got != want {
		t.Errorf("table:\n%s\nwant:\n%s", got, want)
	}
}

func TestCommandLineScan(t *testing.T) {
	for _, c := range []struct {
		args      []string
		json, run bool
	}{
		{[]string{"run", "--log-format", "json"}, true, true},
		{[]string{"run", "--log-format=json", "."}, true, true},
		{[]string{"run", "--", "--log-format=json"}, false, true},
		{[]string{"render", "--log-format", "text"}, false, false},
		{[]string{"--help", "run"}, false, true},
	} {
		if jsonRequested(c.args) != c.json || isRunCommand(c.args) != c.run {
			t.Errorf("%q: json %v run %v", c.args, jsonRequested(c.args), isRunCommand(c.args))
		}
	}
}

func TestRunStatus(t *testing.T) {
	for code, want := range map[int]string{0: "successful", 1: "failed", 2: "invalid", 3: "failed", 130: "interrupted", 143: "interrupted"} {
		if got := runStatus(code); got != want {
			t.Errorf("runStatus(%d) = %q, want %q", code, got, want)
		}
	}
	rec := &runRecord{start: time.Now(), runID: "x"}
	if d := rec.document(exitFailed, errors.New("a: context deadline exceeded"), time.Now()); d.Error != "a: timed out" || d.Steps == nil {
		t.Errorf("document %+v", d)
	}
}
