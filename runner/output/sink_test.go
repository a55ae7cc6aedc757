package output

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/acb-dev/acb/secrets"
)

func TestTextLinesAreACRsAndShowNoFields(t *testing.T) {
	var log, out bytes.Buffer
	s := New(Options{Log: &log, Out: &out, Masker: secrets.NewMasker("s3cret")})
	s.Event(Info, EventSummary).Step("a").Status("successful").ExitCode(0).Elapsed(1500*time.Millisecond).
		Attempt(1).Image("img:s3cret").Msgf("Step ID: %s marked as successful (token s3cret)", "a")
	s.Event(Warn, EventWarning).Bare().Msg("task.yaml:3: warning: s3cret")
	s.Blank()
	s.Raw("dependencies:\n- s3cret\n")
	st := s.Stream("a", "stdout", true)
	st.Write([]byte("hello s3c"))
	st.Write([]byte("ret\npartial"))
	st.Flush()
	lines := strings.Split(log.String(), "\n")
	if !regexp.MustCompile(`^\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2} Step ID: a marked as successful \(token \*\*\*\)$`).MatchString(lines[0]) {
		t.Errorf("event line %q", lines[0])
	}
	if got := strings.Join(lines[1:], "\n"); got != "task.yaml:3: warning: ***\n\ndependencies:\n- ***\n" {
		t.Errorf("bare, blank and raw lines %q", got)
	}
	if out.String() != "a | hello ***\na | partial\n" {
		t.Errorf("output %q", out.String())
	}
}

func TestJSONEventsHaveTypedFields(t *testing.T) {
	var log, out bytes.Buffer
	s := New(Options{Log: &log, Out: &out, Format: JSON, Masker: secrets.NewMasker("s3cret")})
	s.Event(Error, EventFailure).Step("b").Status("failed").ExitCode(2).Elapsed(1500 * time.Millisecond).
		Attempt(3).Registry("r.io").Digest("sha256:abc").Msg("Step ID: b failed s3cret")
	s.Blank()
	s.Event(Info, EventReport).JSONValue("dependencies", json.RawMessage(`[{"image":"s3cret"}]`)).Msg("")
	st := s.Stream("b", "stderr", true)
	st.Write([]byte("oops s3cret\n"))
	st.Flush()
	evs := strings.Split(strings.TrimSpace(log.String()), "\n")
	if len(evs) != 2 {
		t.Fatalf("events %q", evs)
	}
	if !regexp.MustCompile(`^\{"level":"error","time":"[^"]+\.\d{3}Z","msg":"Step ID: b failed \*\*\*","event":"failure","step":"b",` +
		`"status":"failed","exitCode":2,"elapsed":1.5,"attempt":3,"registry":"r.io","digest":"sha256:abc"\}$`).MatchString(evs[0]) {
		t.Errorf("event %s", evs[0])
	}
	if !strings.Contains(evs[1], `"event":"report","dependencies":[{"image":"***"}]`) || strings.Contains(evs[1], `"msg"`) {
		t.Errorf("report event %s", evs[1])
	}
	var line map[string]any
	if err := json.Unmarshal(out.Bytes(), &line); err != nil || line["line"] != "oops ***" || line["stream"] != "stderr" || line["step"] != "b" {
		t.Errorf("output event %s (%v)", out.String(), err)
	}
}

func TestLogWriterLines(t *testing.T) {
	var log bytes.Buffer
	s := New(Options{Log: &log, Format: JSON})
	if _, err := s.LogWriter(EventLog).Write([]byte("one\ntwo\n")); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(log.String(), `"event":"log"`); n != 2 {
		t.Errorf("%d events: %s", n, log.String())
	}
}

func TestParseFormat(t *testing.T) {
	for in, want := range map[string]Format{"": Text, "text": Text, "json": JSON} {
		if got, ok := ParseFormat(in); !ok || got != want {
			t.Errorf("ParseFormat(%q) = %q, %v", in, got, ok)
		}
	}
	if _, ok := ParseFormat("xml"); ok {
		t.Error("xml accepted")
	}
}
