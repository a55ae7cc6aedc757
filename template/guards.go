package template

import (
	"fmt"
	"strings"
	"text/template"
)

// guardFuncs replaces the functions whose output size is set by a count
// argument (repeat, until, indent, rand*, printf widths, ...) with versions
// that fail instead of allocating more than limit bytes, so a task cannot
// make acb run out of memory before the output limit is checked.
func guardFuncs(fm template.FuncMap, limit int) {
	tooBig := func(name string, n int) error {
		return fmt.Errorf("%s: %d exceeds the render size limit (%d bytes)", name, n, limit)
	}
	within := func(n int) bool { return n >= -limit && n <= limit }
	if f, ok := fm["repeat"].(func(int, string) string); ok {
		fm["repeat"] = func(count int, s string) (string, error) {
			if count > 0 && len(s) > 0 && count > limit/len(s) {
				return "", tooBig("repeat", count)
			}
			return f(count, s), nil
		}
	}
	// until and untilStep allocate a slice of ints before anything is
	// written: bound the element count by the limit.
	maxInts := uint64(limit / 8)
	if f, ok := fm["until"].(func(int) []int); ok {
		fm["until"] = func(count int) ([]int, error) {
			step := 1
			if count < 0 {
				step = -1
			}
			if elements(0, count, step) > maxInts {
				return nil, tooBig("until", count)
			}
			return f(count), nil
		}
	}
	if f, ok := fm["untilStep"].(func(int, int, int) []int); ok {
		fm["untilStep"] = func(start, stop, step int) ([]int, error) {
			if elements(start, stop, step) > maxInts {
				return nil, tooBig("untilStep", stop)
			}
			return f(start, stop, step), nil
		}
	}
	for _, name := range []string{"indent", "nindent"} {
		if f, ok := fm[name].(func(int, string) string); ok {
			fm[name] = func(spaces int, v string) (string, error) {
				lines := strings.Count(v, "\n") + 1
				if spaces > 0 && spaces > (limit-len(v))/lines {
					return "", tooBig(name, spaces)
				}
				return f(spaces, v), nil
			}
		}
	}
	for _, name := range []string{"randAlphaNum", "randAlpha", "randAscii", "randNumeric"} {
		if f, ok := fm[name].(func(int) string); ok {
			fm[name] = func(count int) (string, error) {
				if !within(count) {
					return "", tooBig(name, count)
				}
				return f(count), nil
			}
		}
	}
	fm["printf"] = func(format string, args ...any) (string, error) {
		if n := largestWidth(format); n > limit {
			return "", tooBig("printf width", n)
		}
		if strings.Contains(format, "*") {
			for _, a := range args {
				if n, ok := a.(int); ok && !within(n) {
					return "", tooBig("printf width", n)
				}
			}
		}
		return fmt.Sprintf(format, args...), nil
	}
}

// largestWidth returns the largest width or precision written in the verbs
// of a printf format (capped to avoid overflow).
func largestWidth(format string) int {
	best := 0
	num := func(i int) (int, int) {
		n := 0
		for i < len(format) && format[i] >= '0' && format[i] <= '9' {
			if n < 1<<40 {
				n = n*10 + int(format[i]-'0')
			}
			i++
		}
		return n, i
	}
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		i++
		if i < len(format) && format[i] == '%' {
			continue
		}
		for i < len(format) && strings.IndexByte("+-# 0", format[i]) >= 0 {
			i++
		}
		if i < len(format) && format[i] == '[' {
			if j := strings.IndexByte(format[i:], ']'); j >= 0 {
				i += j + 1
			}
		}
		var n int
		n, i = num(i)
		best = max(best, n)
		if i < len(format) && format[i] == '.' {
			n, i = num(i + 1)
			best = max(best, n)
		}
	}
	return best
}

// elements returns how many values Sprig's untilStep(start, stop, step)
// yields, without allocating them.
func elements(start, stop, step int) uint64 {
	switch {
	case step == 0 || start == stop:
		return 0
	case stop > start && step > 0:
		d, st := uint64(stop)-uint64(start), uint64(step)
		return d/st + min(d%st, 1)
	case stop < start && step < 0:
		d, st := uint64(start)-uint64(stop), uint64(-step)
		return d/st + min(d%st, 1)
	}
	return 0
}
