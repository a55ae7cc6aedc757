package runner

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/acb-dev/acb/internal/testenv"
	"github.com/acb-dev/acb/runner/source"
)

// TestIntegrationPushRetry pushes to a registry that fails the first one,
// two or three manifest uploads: the push step retries with acr-builder's
// three attempts, logs each, and fails with the registry's error when all
// three fail.
func TestIntegrationPushRetry(t *testing.T) {
	t.Parallel()
	bb := testenv.BusyboxImage(t)
	for _, tc := range []struct {
		failures int32
		ok       bool
		attempts int
	}{{1, true, 2}, {2, true, 3}, {3, false, 3}} {
		t.Run(fmt.Sprintf("fail%d", tc.failures), func(t *testing.T) {
			t.Parallel()
			reg, puts := testenv.FlakyRegistry(t, tc.failures)
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte("FROM "+bb+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			src, err := source.Prepare(context.Background(), dir)
			if err != nil {
				t.Fatal(err)
			}
			defer src.Cleanup()
			tag := reg + "/acbtest/flaky:" + strconv.FormatInt(time.Now().UnixNano(), 36)
			r := runReal(t, testenv.Context(t, 3*time.Minute), `
steps:
  - id: build
    build: -t `+tag+` .
  - id: push
    push: ["`+tag+`"]
`, Options{Source: src}, false)
			defer func() { _ = r.eng.RemoveImage(context.Background(), tag) }()
			if got := int(puts.Load()); got != tc.attempts {
				t.Errorf("manifest PUTs: %d, want %d", got, tc.attempts)
			}
			if got := r.res.Step("push").Attempts; got != tc.attempts {
				t.Errorf("Attempts = %d, want %d", got, tc.attempts)
			}
			for a := 1; a <= tc.attempts; a++ {
				if !strings.Contains(r.log, fmt.Sprintf("Pushing image: %s, attempt %d", tag, a)) {
					t.Errorf("log lacks attempt %d", a)
				}
			}
			if strings.Contains(r.log, fmt.Sprintf("attempt %d", tc.attempts+1)) {
				t.Errorf("more than %d attempts", tc.attempts)
			}
			if tc.ok {
				if r.err != nil || !strings.Contains(r.log, "Successfully pushed image: "+tag) {
					t.Errorf("err = %v", r.err)
				}
				return
			}
			if r.err == nil || !strings.Contains(r.err.Error(), "failed to push images successfully") || !strings.Contains(r.err.Error(), "500") && !strings.Contains(r.err.Error(), "injected failure") {
				t.Errorf("err = %v; want the push failure with the registry's error", r.err)
			}
		})
	}
}
