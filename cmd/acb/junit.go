package main

import (
	"encoding/xml"
	"fmt"
	"path/filepath"
	"strings"
)

// JUnit XML as Azure DevOps (PublishTestResults, JUnit format), GitLab
// (artifacts:reports:junit) and Jenkins (junit step) read it: testsuites >
// testsuite > testcase, with failure, skipped and system-out, times in
// seconds.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name      string      `xml:"name,attr"`
	Tests     int         `xml:"tests,attr"`
	Failures  int         `xml:"failures,attr"`
	Errors    int         `xml:"errors,attr"`
	Skipped   int         `xml:"skipped,attr"`
	Time      string      `xml:"time,attr"`
	Timestamp string      `xml:"timestamp,attr"`
	Cases     []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitMessage `xml:"failure,omitempty"`
	Skipped   *junitMessage `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

// junitXML renders the run as JUnit XML: one test case per step (failed:
// a failure with the step's error and the tail of its output; skipped or
// cancelled: skipped), or, when the run failed before any step, one test
// case "run" failed with the error. tail returns a step's last output
// lines (masked).
func junitXML(doc resultDoc, taskFile string, tail func(step string) []string) ([]byte, error) {
	class := "acb"
	if taskFile != "" {
		class = "acb." + strings.TrimSuffix(filepath.Base(taskFile), filepath.Ext(taskFile))
	}
	suite := junitSuite{Name: "acb run " + doc.RunID, Time: seconds(doc.ElapsedMs),
		Timestamp: doc.Start.Format("2006-01-02T15:04:05")}
	for _, s := range doc.Steps {
		c := junitCase{Name: s.ID, Classname: class, Time: seconds(s.ElapsedMs)}
		out := strings.Join(tail(s.ID), "\n")
		switch s.Status {
		case "failed":
			msg := s.Error
			if msg == "" {
				msg = "step failed"
			}
			c.Failure = &junitMessage{Message: msg, Type: "failed", Text: failureText(s, out)}
			suite.Failures++
		case "cancelled":
			c.Skipped = &junitMessage{Message: "cancelled: " + s.Error}
			suite.Skipped++
		case "skipped":
			c.Skipped = &junitMessage{Message: "not run"}
			suite.Skipped++
		}
		c.SystemOut = out
		suite.Cases = append(suite.Cases, c)
	}
	if len(suite.Cases) == 0 && doc.ExitCode != exitOK {
		suite.Cases = append(suite.Cases, junitCase{Name: "run", Classname: class, Time: seconds(doc.ElapsedMs),
			Failure: &junitMessage{Message: doc.Error, Type: doc.Status, Text: doc.Error}})
		suite.Failures++
	}
	suite.Tests = len(suite.Cases)
	all := junitSuites{Name: "acb", Tests: suite.Tests, Failures: suite.Failures, Skipped: suite.Skipped,
		Time: suite.Time, Suites: []junitSuite{suite}}
	b, err := xml.MarshalIndent(all, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode JUnit XML: %w", err)
	}
	return append([]byte(xml.Header), append(b, '\n')...), nil
}

// failureText is a failed step's error, exit code and last output lines.
func failureText(s stepDoc, out string) string {
	var b strings.Builder
	b.WriteString(s.Error)
	if s.ExitCode >= 0 {
		fmt.Fprintf(&b, "\nexit code: %d", s.ExitCode)
	}
	if out != "" {
		b.WriteString("\n--- last output lines ---\n")
		b.WriteString(out)
	}
	return b.String()
}

// seconds formats milliseconds as JUnit's seconds.
func seconds(ms int64) string { return fmt.Sprintf("%.3f", float64(ms)/1000) }
