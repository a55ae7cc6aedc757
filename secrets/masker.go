package secrets

import (
	"slices"
	"sync"
	"sync/atomic"
)

// Masker replaces secret values with "***". The package documentation lists
// which forms of a value are masked.
//
// A Masker is safe for concurrent use. A nil *Masker masks nothing, so callers
// need not branch; the zero Masker is ready to use and masks nothing until
// values are added. A Masker must not be copied after first use.
type Masker struct {
	mu       sync.Mutex          // serialises Add
	patterns map[string]struct{} // guarded by mu
	m        atomic.Pointer[matcher]
}

// NewMasker returns a Masker for values.
func NewMasker(values ...string) *Masker {
	m := &Masker{}
	m.Add(values...)
	return m
}

// Add adds values to mask from now on, for example tokens discovered while a
// run is going on. Output already written through a MaskWriter is not
// changed, but output it still holds back is checked against the new values.
func (m *Masker) Add(values ...string) {
	if m == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	changed := false
	for _, v := range values {
		for _, p := range patternsFor(v) {
			if _, ok := m.patterns[p]; ok {
				continue
			}
			if m.patterns == nil {
				m.patterns = map[string]struct{}{}
			}
			m.patterns[p] = struct{}{}
			changed = true
		}
	}
	if !changed {
		return
	}
	list := make([]string, 0, len(m.patterns))
	for p := range m.patterns {
		list = append(list, p)
	}
	slices.Sort(list) // deterministic automaton
	m.m.Store(newMatcher(list))
}

// matcher returns the current automaton, or nil when there is nothing to
// mask.
func (m *Masker) matcher() *matcher {
	if m == nil {
		return nil
	}
	return m.m.Load()
}

// String returns s with every secret masked.
func (m *Masker) String(s string) string {
	mt := m.matcher()
	if mt == nil || !mt.contains(s) {
		return s
	}
	sc := scanner{m: mt}
	out := sc.write(make([]byte, 0, len(s)), []byte(s))
	return string(sc.flush(out))
}
