package secrets

// matcher is an immutable Aho–Corasick automaton over byte patterns, compiled
// to a dense DFA over byte classes (bytes that occur in no pattern share one
// class), so each input byte costs two table lookups.
type matcher struct {
	class    [256]uint16 // byte -> class
	nclass   int
	delta    []int32 // delta[state*nclass+class] -> next state
	depth    []int32 // length of the string a state stands for
	out      []int32 // length of the longest pattern that is a suffix of that string, or 0
	fromRoot [256]bool
	maxLen   int
}

// newMatcher compiles patterns (non-empty, distinct) into a matcher. It
// returns nil for no patterns.
func newMatcher(patterns []string) *matcher {
	if len(patterns) == 0 {
		return nil
	}
	m := &matcher{}
	// Byte classes: 0 for bytes in no pattern.
	for _, p := range patterns {
		for i := 0; i < len(p); i++ {
			if m.class[p[i]] == 0 {
				m.nclass++
				m.class[p[i]] = uint16(m.nclass)
			}
		}
		m.maxLen = max(m.maxLen, len(p))
	}
	m.nclass++
	nc := m.nclass

	// Trie. -1 marks a missing edge until the BFS below fills it in.
	newState := func(depth int32) int32 {
		for range nc {
			m.delta = append(m.delta, -1)
		}
		m.depth = append(m.depth, depth)
		m.out = append(m.out, 0)
		return int32(len(m.depth) - 1)
	}
	newState(0)
	for _, p := range patterns {
		s := int32(0)
		for i := 0; i < len(p); i++ {
			c := int32(m.class[p[i]])
			next := m.delta[s*int32(nc)+c]
			if next < 0 {
				next = newState(int32(i + 1))
				m.delta[s*int32(nc)+c] = next
			}
			s = next
		}
		m.out[s] = int32(len(p))
	}

	// BFS: failure links turn the trie into a complete DFA. out[s] becomes
	// the longest pattern ending at s, own or inherited through the failure
	// link (a pattern of its own is always the longer one).
	fail := make([]int32, len(m.depth))
	queue := make([]int32, 0, len(m.depth))
	for c := range nc {
		if next := m.delta[c]; next < 0 {
			m.delta[c] = 0
		} else {
			fail[next] = 0
			queue = append(queue, next)
		}
	}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		if m.out[s] == 0 {
			m.out[s] = m.out[fail[s]]
		}
		for c := range nc {
			i := s*int32(nc) + int32(c)
			f := m.delta[fail[s]*int32(nc)+int32(c)]
			if next := m.delta[i]; next < 0 {
				m.delta[i] = f
			} else {
				fail[next] = f
				queue = append(queue, next)
			}
		}
	}
	for b := range 256 {
		m.fromRoot[b] = m.delta[m.class[b]] != 0
	}
	return m
}

// next returns the state after reading b in state s.
func (m *matcher) next(s int32, b byte) int32 {
	return m.delta[s*int32(m.nclass)+int32(m.class[b])]
}

// contains reports whether s contains any pattern.
func (m *matcher) contains(s string) bool {
	st := int32(0)
	for i := 0; i < len(s); i++ {
		if st == 0 && !m.fromRoot[s[i]] {
			continue
		}
		st = m.next(st, s[i])
		if m.out[st] > 0 {
			return true
		}
	}
	return false
}
