package docker

import (
	"bytes"
	"io"
	"time"

	bkclient "github.com/moby/buildkit/client"
	digest "github.com/opencontainers/go-digest"

	"github.com/acb-dev/acb/runner/engine"
)

// maskProgress forwards a build's progress from in to the returned
// channel with every secret masked (see engine.ProgressMask): texts one
// by one, and each step's stdout and stderr through its own masking
// writer, so a secret BuildKit sent in two chunks is still hidden. What a
// stream's writer holds back is sent, in a status of its own, before the
// status that completes its step (or in that status, for chunks it
// carries itself), and at the end. The returned channel is
// closed after in is.
func maskProgress(in <-chan *bkclient.SolveStatus, m *engine.ProgressMask) chan *bkclient.SolveStatus {
	out := make(chan *bkclient.SolveStatus)
	go func() {
		defer close(out)
		ms := &maskedStreams{m: m, open: map[streamKey]*maskedStream{}}
		for st := range in {
			if held := ms.flushCompleted(st.Vertexes); held != nil {
				out <- held // earlier chunks' rest, before the step ends
			}
			masked := ms.mask(st)
			if held := ms.flushCompleted(st.Vertexes); held != nil {
				masked.Logs = append(masked.Logs, held.Logs...) // this status's own
			}
			out <- masked
		}
		if held := ms.flushAll(); held != nil {
			out <- held
		}
	}()
	return out
}

// streamKey names one output stream of one step.
type streamKey struct {
	vertex digest.Digest
	stream int
}

// maskedStream is a stream's masking writer and what it has let through.
type maskedStream struct {
	w    io.WriteCloser
	done bytes.Buffer
	last time.Time // the latest chunk's time, given to what is held back
}

type maskedStreams struct {
	m    *engine.ProgressMask
	open map[streamKey]*maskedStream
	keys []streamKey // open's keys in the order they opened
}

// mask returns a masked copy of st.
func (ms *maskedStreams) mask(st *bkclient.SolveStatus) *bkclient.SolveStatus {
	text := ms.m.Text
	out := &bkclient.SolveStatus{}
	for _, v := range st.Vertexes {
		c := *v
		c.Name, c.Error = text(v.Name), text(v.Error)
		out.Vertexes = append(out.Vertexes, &c)
	}
	for _, s := range st.Statuses {
		c := *s
		c.ID, c.Name = text(s.ID), text(s.Name)
		out.Statuses = append(out.Statuses, &c)
	}
	for _, w := range st.Warnings {
		c := *w
		c.Short = []byte(text(string(w.Short)))
		c.Detail = make([][]byte, len(w.Detail))
		for i, d := range w.Detail {
			c.Detail[i] = []byte(text(string(d)))
		}
		c.URL = text(w.URL)
		out.Warnings = append(out.Warnings, &c)
	}
	for _, l := range st.Logs {
		s := ms.stream(streamKey{l.Vertex, l.Stream})
		s.last = l.Timestamp
		_, _ = s.w.Write(l.Data) // writes to a bytes.Buffer
		if s.done.Len() == 0 {
			continue // all held back for now
		}
		c := *l
		c.Data = bytes.Clone(s.done.Bytes())
		s.done.Reset()
		out.Logs = append(out.Logs, &c)
	}
	return out
}

func (ms *maskedStreams) stream(k streamKey) *maskedStream {
	s, ok := ms.open[k]
	if !ok {
		s = &maskedStream{}
		s.w = ms.m.Stream(&s.done)
		ms.open[k] = s
		ms.keys = append(ms.keys, k)
	}
	return s
}

// flushCompleted closes the streams of the steps vs completes or fails
// and returns what they held back, or nil.
func (ms *maskedStreams) flushCompleted(vs []*bkclient.Vertex) *bkclient.SolveStatus {
	done := map[digest.Digest]bool{}
	for _, v := range vs {
		if v.Completed != nil {
			done[v.Digest] = true
		}
	}
	if len(done) == 0 {
		return nil
	}
	return ms.flush(func(k streamKey) bool { return done[k.vertex] })
}

// flushAll closes every stream still open and returns what they held
// back, or nil.
func (ms *maskedStreams) flushAll() *bkclient.SolveStatus {
	return ms.flush(func(streamKey) bool { return true })
}

// flush closes the open streams that match, in the order they opened,
// and returns what they held back in one status, or nil. A later chunk
// of a closed stream opens a new writer.
func (ms *maskedStreams) flush(match func(streamKey) bool) *bkclient.SolveStatus {
	var held []*bkclient.VertexLog
	kept := ms.keys[:0]
	for _, k := range ms.keys {
		if !match(k) {
			kept = append(kept, k)
			continue
		}
		s := ms.open[k]
		delete(ms.open, k)
		_ = s.w.Close()
		if s.done.Len() > 0 {
			held = append(held, &bkclient.VertexLog{Vertex: k.vertex, Stream: k.stream, Data: bytes.Clone(s.done.Bytes()), Timestamp: s.last})
		}
	}
	ms.keys = kept
	if len(held) == 0 {
		return nil
	}
	return &bkclient.SolveStatus{Logs: held}
}
