package secrets

import (
	"errors"
	"io"
	"sync"
)

// MaskWriter masks secrets in a byte stream and writes the result to an
// underlying writer. A secret split across Write calls is still masked.
//
// To do so it holds back the bytes that could still be the start of a secret
// (at most the length of the longest masked pattern minus one, not counting
// bytes already known to be masked) until more data, Flush or Close decide
// them. Everything else is written at once, in one Write to the underlying
// writer per call; in particular a line is not delayed past its '\n' unless
// the line could be the beginning of a multi-line secret.
//
// A MaskWriter is safe for concurrent use. After an error from the
// underlying writer every call returns that error.
type MaskWriter struct {
	mu     sync.Mutex
	masker *Masker
	w      io.Writer
	sc     scanner
	buf    []byte
	err    error
	closed bool
}

// errClosed is returned by Write after Close.
var errClosed = errors.New("write to closed mask writer")

// Writer returns a MaskWriter that writes to w. With a nil Masker, or one
// without values, output passes through unchanged (values added later are
// masked from then on).
func (m *Masker) Writer(w io.Writer) *MaskWriter {
	return &MaskWriter{masker: m, w: w}
}

// Write masks p and writes what is final to the underlying writer. It
// returns len(p) unless the underlying writer fails.
func (mw *MaskWriter) Write(p []byte) (int, error) {
	mw.mu.Lock()
	defer mw.mu.Unlock()
	if mw.err != nil {
		return 0, mw.err
	}
	if mw.closed {
		return 0, errClosed
	}
	mt := mw.masker.matcher()
	if mt == nil && mw.sc.m == nil {
		// Nothing to mask: pass p through without copying.
		if err := mw.writeThrough(p); err != nil {
			return 0, err
		}
		return len(p), nil
	}
	buf := mw.sc.reset(mt, mw.buf[:0])
	buf = mw.sc.write(buf, p)
	if err := mw.out(buf); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Flush writes everything held back. A secret that straddles a Flush is not
// masked, so call it only at the end of a stream or when waiting longer is
// worse.
func (mw *MaskWriter) Flush() error {
	mw.mu.Lock()
	defer mw.mu.Unlock()
	return mw.flush()
}

// Close flushes and marks the writer closed. It does not close the
// underlying writer.
func (mw *MaskWriter) Close() error {
	mw.mu.Lock()
	defer mw.mu.Unlock()
	if mw.closed {
		return mw.err
	}
	mw.closed = true
	return mw.flush()
}

func (mw *MaskWriter) flush() error {
	if mw.err != nil {
		return mw.err
	}
	buf := mw.sc.reset(mw.masker.matcher(), mw.buf[:0])
	return mw.out(mw.sc.flush(buf))
}

// out writes buf, the writer's own buffer, to the underlying writer and keeps
// it for reuse unless it grew large.
func (mw *MaskWriter) out(buf []byte) error {
	if cap(buf) <= 64<<10 {
		mw.buf = buf[:0]
	}
	return mw.writeThrough(buf)
}

// writeThrough writes p to the underlying writer, recording any error.
func (mw *MaskWriter) writeThrough(p []byte) error {
	if len(p) == 0 {
		return nil
	}
	n, err := mw.w.Write(p)
	if err == nil && n < len(p) {
		err = io.ErrShortWrite
	}
	mw.err = err
	return err
}
