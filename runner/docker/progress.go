package docker

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/moby/moby/api/types/jsonstream"
	"github.com/moby/moby/client/pkg/jsonmessage"

	"github.com/acb-dev/acb/runner/engine"
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
// Off a terminal it is written here (build output must stay line by line
// for the run's log); on a terminal moby's jsonmessage renders it
// (renderTerminal).
func renderJSONStream(in io.Reader, out io.Writer, aux func(json.RawMessage)) error {
	if out == nil {
		out = io.Discard
	}
	if t, ok := out.(engine.Terminal); ok {
		return renderTerminal(in, t, aux)
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

// renderTerminal renders an Engine API JSON stream on a terminal with
// moby's jsonmessage, as the docker CLI does: progress bars, each layer's
// line rewritten in place.
func renderTerminal(in io.Reader, out engine.Terminal, aux func(json.RawMessage)) error {
	err := jsonmessage.DisplayJSONMessagesStream(in, out, out.TerminalFd(), true, func(m jsonstream.Message) {
		if aux != nil && m.Aux != nil {
			aux(*m.Aux)
		}
	})
	var jerr *jsonstream.Error
	if errors.As(err, &jerr) {
		return &streamError{msg: jerr.Message, code: jerr.Code}
	}
	if err != nil {
		return fmt.Errorf("reading engine stream: %w", err)
	}
	return nil
}

// keepTerminal returns w, which wraps orig, as an engine.Terminal when
// orig is one, so a wrapper does not turn terminal progress into lines.
func keepTerminal(w, orig io.Writer) io.Writer {
	if t, ok := orig.(engine.Terminal); ok {
		return terminalWriter{Writer: w, fd: t.TerminalFd()}
	}
	return w
}

// terminalWriter is a writer to a terminal (engine.Terminal).
type terminalWriter struct {
	io.Writer
	fd uintptr
}

// TerminalFd implements engine.Terminal.
func (t terminalWriter) TerminalFd() uintptr { return t.fd }
