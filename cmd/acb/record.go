package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/acb-dev/acb/internal/version"
	"github.com/acb-dev/acb/runner"
	"github.com/acb-dev/acb/runner/output"
	"github.com/acb-dev/acb/runner/report"
)

// runRecord is what acb run knows about its run, filled as it goes, so
// that whatever ends the run (success, a failed step, bad input, an
// interruption) the last JSON line, the result file, the JUnit file and
// the report file say what is known.
type runRecord struct {
	start    time.Time
	runID    string
	taskFile string
	dryRun   bool
	res      *runner.Result // nil until runner.Run returned
	files    resultFiles
	started  bool // the start event was written
}

// resultFiles are the files acb run writes for CI.
type resultFiles struct {
	report, result, junit string
}

func newRunRecord() *runRecord { return &runRecord{start: time.Now()} }

// prepareFiles checks, before anything runs, that each result file can be
// written, and replaces an existing one with an empty document, so a stale
// file never survives a run that fails before writing its own.
func (f resultFiles) prepare() error {
	for _, p := range []struct{ flag, path, body string }{
		{"--report-file", f.report, "[]\n"},
		{"--result-file", f.result, "{}\n"},
		{"--junit", f.junit, "<testsuites></testsuites>\n"},
	} {
		if p.path == "" {
			continue
		}
		if err := os.WriteFile(p.path, []byte(p.body), 0o644); err != nil {
			return fmt.Errorf("%s: %w", p.flag, err)
		}
	}
	return nil
}

// runStarted writes the JSON start event (no text line: ACR has none).
func (c *cli) runStarted(engineHost string) {
	rec := c.record
	rec.started = true
	c.out.Event(output.Info, output.EventStart).JSONOnly().Int(output.FieldSchema, output.Schema).
		Str(output.FieldRunID, rec.runID).Str("taskFile", rec.taskFile).Str("engine", engineHost).
		Str("version", version.Get().Version).Msg("")
}

// runStatus names how the run ended from its exit code.
func runStatus(code int) string {
	switch code {
	case exitOK:
		return "successful"
	case exitInput:
		return "invalid"
	case exitSIGINT, exitSIGTERM:
		return "interrupted"
	}
	return "failed"
}

// finishRun writes the result files and, in JSON format, the run event
// (the last line); in text format the summary table follows ACR's final
// line. A result file that cannot be written turns a success into exit 3.
func (c *cli) finishRun(code int, err error) int {
	rec := c.record
	end := time.Now()
	doc := rec.document(code, err, end)
	if ferr := c.writeResultFiles(doc); ferr != nil {
		c.out.Event(output.Error, output.EventError).Bare().Msg(ferr.Error())
		if code == exitOK {
			code = exitInfra
			doc = rec.document(code, ferr, end)
		}
	}
	if c.out.JSON() {
		level := output.Info
		if code != exitOK {
			level = output.Error
		}
		e := c.out.Event(level, output.EventRun).Bare().Int(output.FieldSchema, output.Schema).
			Str(output.FieldRunID, doc.RunID).Status(doc.Status).ExitCode(code)
		if doc.Error != "" {
			e = e.Str(output.FieldError, doc.Error)
		}
		e.ElapsedMs(end.Sub(rec.start)).Value("steps", doc.Steps).Msg(rec.finalLine(err, end))
		return code
	}
	if rec.res != nil && !rec.dryRun {
		c.out.Raw(summaryTable(doc.Steps))
	}
	return code
}

// finalLine is ACR's last line, also for a run that failed before its
// steps (the CLI printed the error alone then, in text format).
func (rec *runRecord) finalLine(err error, end time.Time) string {
	res := rec.res
	if res == nil {
		res = &runner.Result{RunID: rec.runID, Elapsed: end.Sub(rec.start)}
	}
	var rep *reportedError
	if errors.As(err, &rep) {
		err = rep.err
	}
	return runner.FinalLine(res, err)
}

// resultDoc is the --result-file document, and (steps) the run event's
// per-step summary. Its field names are part of the schema (output.Schema).
type resultDoc struct {
	Schema       int             `json:"schema"`
	RunID        string          `json:"runId"`
	TaskFile     string          `json:"taskFile,omitempty"`
	Status       string          `json:"status"`
	ExitCode     int             `json:"exitCode"`
	Error        string          `json:"error,omitempty"`
	Start        time.Time       `json:"start"`
	End          time.Time       `json:"end"`
	ElapsedMs    int64           `json:"elapsedMs"`
	Steps        []stepDoc       `json:"steps"`
	Dependencies json.RawMessage `json:"dependencies"`
}

// stepDoc is one step of a resultDoc.
type stepDoc struct {
	ID        string            `json:"id"`
	Kind      string            `json:"kind"`
	Status    string            `json:"status"`
	ExitCode  int               `json:"exitCode"`
	Attempts  int               `json:"attempts"`
	ElapsedMs int64             `json:"elapsedMs"`
	Image     string            `json:"image,omitempty"`   // cmd: the image run
	Tags      []string          `json:"tags,omitempty"`    // build: the tags built
	ImageID   string            `json:"imageId,omitempty"` // build: the local image id
	Digests   map[string]string `json:"digests,omitempty"` // push: reference → digest
	Error     string            `json:"error,omitempty"`
}

// document builds the result document.
func (rec *runRecord) document(code int, err error, end time.Time) resultDoc {
	doc := resultDoc{
		Schema: output.Schema, RunID: rec.runID, TaskFile: rec.taskFile, Status: runStatus(code), ExitCode: code,
		Start: rec.start.UTC(), End: end.UTC(), ElapsedMs: end.Sub(rec.start).Milliseconds(), Steps: []stepDoc{},
	}
	if err != nil {
		doc.Error = strings.ReplaceAll(err.Error(), context.DeadlineExceeded.Error(), "timed out")
	}
	var deps []report.Dependencies
	if rec.res != nil {
		if rec.res.RunID != "" {
			doc.RunID = rec.res.RunID
		}
		deps = rec.res.Dependencies
		failed := ""
		for _, s := range rec.res.Steps {
			if s.Status == runner.StepFailed && failed == "" {
				failed = s.ID
			}
		}
		for _, s := range rec.res.Steps {
			d := newStepDoc(s)
			if s.Status == runner.StepCancelled && failed != "" {
				d.Error = "step " + failed + " failed" // not its symptom, "context canceled"
			}
			doc.Steps = append(doc.Steps, d)
		}
	}
	var b bytes.Buffer
	_ = report.WriteJSON(&b, deps) // encodes plain structs
	doc.Dependencies = bytes.TrimSpace(b.Bytes())
	return doc
}

func newStepDoc(s *runner.StepResult) stepDoc {
	d := stepDoc{ID: s.ID, Kind: s.Type.String(), Status: string(s.Status), ExitCode: s.ExitCode,
		Attempts: s.Attempts, ElapsedMs: s.Elapsed.Milliseconds(), Image: s.Image, Tags: s.Tags,
		ImageID: s.ImageID, Digests: s.Digests}
	if s.Err != nil {
		d.Error = strings.ReplaceAll(s.Err.Error(), context.DeadlineExceeded.Error(), "timed out")
	}
	if s.Status == runner.StepSuccessful && s.Err == nil && s.ExitCode < 0 && s.Image != "" {
		d.ExitCode = 0
	}
	return d
}

// writeResultFiles writes the report, result and JUnit files that were
// asked for, masked, each replaced atomically.
func (c *cli) writeResultFiles(doc resultDoc) error {
	f := c.record.files
	var errs []error
	if f.report != "" && c.record.res != nil && !c.record.dryRun {
		var b bytes.Buffer
		_ = report.WriteJSON(&b, c.record.res.Dependencies)
		errs = append(errs, c.writeMasked("--report-file", f.report, b.Bytes()))
	}
	if f.result != "" {
		b, err := json.MarshalIndent(doc, "", "  ")
		if err == nil {
			err = c.writeMasked("--result-file", f.result, append(b, '\n'))
		}
		errs = append(errs, err)
	}
	if f.junit != "" {
		b, err := junitXML(doc, c.record.taskFile, c.out.Tail)
		if err == nil {
			err = c.writeMasked("--junit", f.junit, b)
		}
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// writeMasked writes b, masked, to path through a temporary file in the
// same directory and a rename, so a reader never sees half a file.
func (c *cli) writeMasked(flag, path string, b []byte) error {
	masked := []byte(c.out.Mask(string(b)))
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("write %s %s: %w", flag, path, err)
	}
	_, werr := tmp.Write(masked)
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write %s %s: %w", flag, path, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write %s %s: %w", flag, path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write %s %s: %w", flag, path, err)
	}
	return nil
}

// sortedKeys returns m's keys in order.
func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
