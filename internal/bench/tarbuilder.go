package bench

import (
	"archive/tar"
	"io"
	"time"
)

// tarBuilder writes tar entries with a fixed mtime and keeps the first
// error, so a sequence of adds is checked once at close.
type tarBuilder struct {
	tw    *tar.Writer
	mtime time.Time
	err   error
}

func newTarBuilder(w io.Writer, mtime time.Time) *tarBuilder {
	return &tarBuilder{tw: tar.NewWriter(w), mtime: mtime}
}

func (t *tarBuilder) add(h *tar.Header, body []byte) {
	if t.err != nil {
		return
	}
	h.ModTime = t.mtime
	h.Size = int64(len(body))
	if t.err = t.tw.WriteHeader(h); t.err == nil {
		_, t.err = t.tw.Write(body)
	}
}

func (t *tarBuilder) file(name string, mode int64, body []byte) {
	t.add(&tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: mode}, body)
}

func (t *tarBuilder) close() error {
	if t.err != nil {
		return t.err
	}
	return t.tw.Close()
}
