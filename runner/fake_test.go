package runner

import "github.com/acb-dev/acb/internal/fakeengine"

// fakeEngine is the behavioural fake engine shared by every package's tests
// (internal/fakeengine).
type fakeEngine = fakeengine.Engine

func newFake() *fakeEngine { return fakeengine.New() }
