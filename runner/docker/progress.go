package docker

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/moby/moby/api/types/jsonstream"
)

// streamMessage is one message of an Engine API JSON stream (build, pull,
// push, import). ErrorMessage is the legacy "error" field older engines send
// beside "errorDetail".
type streamMessage struct {
	jsonstream.Message
	ErrorMessage string `json:"error,omitempty"`
}

// renderJSONStream reads an Engine API JSON message stream and writes it to
// out as plain text lines, the way `docker` does when its output is not a
// terminal: build output as is, status lines as "id: status", byte-progress
// updates dropped, no ANSI codes. aux, when not nil, receives each message's
// aux payload. An error message in the stream ends the rendering and is
// returned.
//
// It is written here rather than with moby's client/pkg/jsonmessage, which
// would pull github.com/moby/term into the module graph for terminal handling
// acb does not need.
func renderJSONStream(in io.Reader, out io.Writer, aux func(json.RawMessage)) error {
	if out == nil {
		out = io.Discard
	}
	dec := json.NewDecoder(in)
	for {
		var m streamMessage
		if err := dec.Decode(&m); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return fmt.Errorf("reading engine stream: %w", err)
		}
		if m.Error != nil && m.Error.Message != "" {
			return &streamError{msg: m.Error.Message, code: m.Error.Code}
		}
		if m.ErrorMessage != "" {
			return &streamError{msg: m.ErrorMessage}
		}
		if m.Aux != nil {
			if aux != nil {
				aux(*m.Aux)
			}
			continue
		}
		if m.Progress != nil && (m.Progress.Current > 0 || m.Progress.Total > 0) {
			continue
		}
		var line []byte
		if m.ID != "" {
			line = append(line, m.ID...)
			line = append(line, ": "...)
		}
		if m.Stream != "" {
			line = append(line, m.Stream...)
		} else {
			line = append(line, m.Status...)
			line = append(line, '\n')
		}
		if _, err := out.Write(line); err != nil {
			return fmt.Errorf("writing engine output: %w", err)
		}
	}
}

// streamError is an error the engine reported inside a JSON message stream.
type streamError struct {
	msg  string
	code int
}

func (e *streamError) Error() string { return e.msg }
