package runner

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/acb-dev/acb/internal/testenv"
)

// TestIntegrationSiblingKilledWhenAStepFails runs two parallel steps; one
// fails. The other, which would print on SIGTERM, is killed at once, as
// ACR does: it prints nothing after the failure, is logged as cancelled
// and has the status cancelled.
func TestIntegrationSiblingKilledWhenAStepFails(t *testing.T) {
	t.Parallel()
	r := runReal(t, testenv.Context(t, 2*time.Minute), `
steps:
  - id: sibling
    when: ["-"]
    cmd: $BB sh -c 'trap "echo got TERM; exit 0" TERM; echo started; sleep 60 & wait'
  - id: fails
    when: ["-"]
    cmd: $BB sh -c 'sleep 2; exit 3'
`, Options{}, false)
	var se *StepError
	if !errors.As(r.err, &se) || se.StepID != "fails" {
		t.Fatalf("err = %v, want step fails to fail the run", r.err)
	}
	if !strings.Contains(r.out, "started") {
		t.Fatalf("the sibling never started:\n%s", r.out)
	}
	if strings.Contains(r.out, "got TERM") {
		t.Errorf("the sibling was sent SIGTERM and printed after the failure:\n%s", r.out)
	}
	if got := r.res.Step("sibling").Status; got != StepCancelled {
		t.Errorf("sibling status %q, want %q", got, StepCancelled)
	}
	if !strings.Contains(r.log, "Step ID: sibling cancelled: step fails failed") {
		t.Error("the sibling is not logged as cancelled")
	}
	if strings.Contains(r.log, "Container failed during run: sibling") {
		t.Error("the cancelled sibling is logged as a failed container")
	}
}
