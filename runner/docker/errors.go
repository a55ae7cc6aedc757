package docker

import (
	"errors"

	cerrdefs "github.com/containerd/errdefs"

	"github.com/acb-dev/acb/runner/engine"
)

// mappedError keeps the engine's message while matching one of the
// engine package's sentinel errors with errors.Is.
type mappedError struct {
	sentinel error
	err      error
}

func (m *mappedError) Error() string        { return m.err.Error() }
func (m *mappedError) Unwrap() []error      { return []error{m.sentinel, m.err} }
func (m *mappedError) Is(target error) bool { return target == m.sentinel }

// mapErr translates errdefs classes returned by the client into
// engine.ErrNotFound and engine.ErrConflict; other errors pass unchanged.
func mapErr(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, engine.ErrNotFound), errors.Is(err, engine.ErrConflict):
		return err
	case cerrdefs.IsNotFound(err):
		return &mappedError{sentinel: engine.ErrNotFound, err: err}
	case cerrdefs.IsConflict(err):
		return &mappedError{sentinel: engine.ErrConflict, err: err}
	}
	return err
}
