package runner

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/acb-dev/acb/runner/output"
)

// The engine lines come first, before ACR's lines, as events "engine".
func TestEngineLinesFirst(t *testing.T) {
	t.Parallel()
	lines := []string{`Using Docker engine: context "x" (unix:///run/x.sock), from --context`, "Docker engine version: Docker Engine 1.0 (API 1.41, linux/amd64)"}
	_, _, err, log, _ := runFakeTo(t, "steps:\n  - cmd: fake echo hi\n", Options{EngineLines: lines}, output.Options{Format: output.JSON})
	if err != nil {
		t.Fatal(err)
	}
	events := strings.Split(strings.TrimSpace(log), "\n")
	if len(events) < 3 {
		t.Fatalf("log: %s", log)
	}
	for i, want := range lines {
		var ev struct{ Msg, Event string }
		if err := json.Unmarshal([]byte(events[i]), &ev); err != nil {
			t.Fatal(err)
		}
		if ev.Msg != want || ev.Event != "engine" {
			t.Errorf("event %d = %+v, want msg %q event engine", i, ev, want)
		}
	}
}
