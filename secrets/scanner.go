package secrets

// mask is what every masked region of the output becomes.
const mask = "***"

// span is a masked region [start, end) in absolute stream offsets.
type span struct{ start, end int64 }

// scanner is the streaming core shared by Masker.String and MaskWriter.
//
// It runs the automaton over the stream and records, for every position, the
// longest pattern ending there; overlapping matches are merged into one
// masked span. Output is produced up to the "safe" offset pos-depth(state):
// no future match can start before it, because the bytes after it are the
// longest suffix of the stream that is still a prefix of some pattern. Bytes
// from a span that a future match could still extend (its end is past the
// safe offset) are held too. So the scanner holds back only bytes that could
// still turn out to be part of a secret, which is at most maxLen-1 raw bytes.
// In particular a '\n' ends the holdback unless some pattern contains a
// newline whose prefix the held text matches (a multi-line secret); then
// that line waits for the next one, which is the only correct choice.
type scanner struct {
	m        *matcher
	state    int32
	pos      int64  // absolute offset of the next input byte
	emitted  int64  // output has been produced for [0, emitted)
	raw      []byte // input bytes [rawStart, pos)
	rawStart int64
	spans    []span // pending masked spans, sorted, disjoint
	matched  bool   // some span was ever found
}

// write feeds p and appends the output that became final to dst.
func (sc *scanner) write(dst, p []byte) []byte {
	if sc.m == nil {
		return append(dst, p...)
	}
	sc.raw = append(sc.raw, p...)
	m, s, base := sc.m, sc.state, sc.pos
	for i := 0; i < len(p); i++ {
		if s == 0 {
			// Fast path: skip bytes that cannot start a pattern.
			for i < len(p) && !m.fromRoot[p[i]] {
				i++
			}
			if i == len(p) {
				break
			}
		}
		s = m.next(s, p[i])
		if n := m.out[s]; n > 0 {
			end := base + int64(i) + 1
			sc.addSpan(end-int64(n), end)
		}
	}
	sc.state = s
	sc.pos += int64(len(p))
	return sc.emit(dst, sc.pos-int64(m.depth[s]))
}

// addSpan records a match, merging it with the pending spans it overlaps.
// Matches arrive in order of their end, so only the last spans can overlap.
func (sc *scanner) addSpan(start, end int64) {
	sc.matched = true
	for n := len(sc.spans); n > 0 && sc.spans[n-1].end > start; n-- {
		start = min(start, sc.spans[n-1].start)
		sc.spans = sc.spans[:n-1]
	}
	sc.spans = append(sc.spans, span{start, end})
}

// emit appends the output for [emitted, limit) to dst, where limit is safe,
// or the start of the first span still open at safe.
func (sc *scanner) emit(dst []byte, safe int64) []byte {
	limit := safe
	closed := 0
	for _, sp := range sc.spans {
		if sp.end > safe {
			limit = min(limit, sp.start)
			break
		}
		closed++
	}
	dst = sc.emitTo(dst, sc.spans[:closed], limit)
	sc.spans = append(sc.spans[:0], sc.spans[closed:]...)
	// Raw bytes before safe are no longer needed: they are output already
	// or lie inside an open span.
	sc.dropRaw(max(safe, sc.rawStart))
	return dst
}

// emitTo appends the raw bytes of [emitted, limit) with spans replaced by the
// mask. Every span must end at or before limit.
func (sc *scanner) emitTo(dst []byte, spans []span, limit int64) []byte {
	cur := sc.emitted
	for _, sp := range spans {
		if sp.start > cur {
			dst = append(dst, sc.raw[cur-sc.rawStart:sp.start-sc.rawStart]...)
		}
		dst = append(dst, mask...)
		cur = sp.end
	}
	if limit > cur {
		dst = append(dst, sc.raw[cur-sc.rawStart:limit-sc.rawStart]...)
		cur = limit
	}
	sc.emitted = cur
	return dst
}

// dropRaw forgets raw bytes before offset off.
func (sc *scanner) dropRaw(off int64) {
	n := int(off - sc.rawStart)
	if n <= 0 {
		return
	}
	sc.raw = sc.raw[:copy(sc.raw, sc.raw[n:])]
	sc.rawStart = off
}

// flush appends everything held back to dst and restarts matching, so a
// secret that straddles a flush is not masked.
func (sc *scanner) flush(dst []byte) []byte {
	dst = sc.emitTo(dst, sc.spans, sc.pos)
	sc.spans = sc.spans[:0]
	sc.state = 0
	sc.raw = sc.raw[:0]
	sc.rawStart = sc.pos
	return dst
}

// reset switches to matcher m. Held output stays held: pending spans are
// kept, and the raw bytes not yet covered by a span are scanned again with
// m, so a pattern that m adds is masked there too.
func (sc *scanner) reset(m *matcher, dst []byte) []byte {
	if m == sc.m {
		return dst
	}
	// Output everything that the old matcher had decided, then rescan the
	// rest from the root state of the new one.
	from := max(sc.rawStart, sc.emitted)
	if n := len(sc.spans); n > 0 {
		from = max(from, sc.spans[n-1].end)
	}
	dst = sc.emitTo(dst, sc.spans, from)
	sc.spans = sc.spans[:0]
	tail := append([]byte(nil), sc.raw[from-sc.rawStart:]...)
	sc.m, sc.state, sc.pos = m, 0, from
	sc.raw, sc.rawStart = sc.raw[:0], from
	return sc.write(dst, tail)
}
