package bench

import (
	"fmt"
	"slices"
	"time"
)

// Summary is the median, minimum and maximum of a set of repetitions.
type Summary struct {
	N      int
	Median time.Duration
	Min    time.Duration
	Max    time.Duration
}

// Summarize returns the summary of ds; the zero Summary when ds is empty.
// The median of an even count is the mean of the two middle values.
func Summarize(ds []time.Duration) Summary {
	if len(ds) == 0 {
		return Summary{}
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	n := len(s)
	med := s[n/2]
	if n%2 == 0 {
		med = (s[n/2-1] + s[n/2]) / 2
	}
	return Summary{N: n, Median: med, Min: s[0], Max: s[n-1]}
}

// Ratio returns a's median over b's; 0 when b has none.
func Ratio(a, b Summary) float64 {
	if b.Median <= 0 {
		return 0
	}
	return float64(a.Median) / float64(b.Median)
}

// MedianInt returns the median of xs (the lower middle value for an even
// count), or 0 when xs is empty. It summarises byte counts such as peak RSS.
func MedianInt(xs []int64) int64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[(len(s)-1)/2]
}

// FormatDuration renders d for a table: milliseconds below 10 s with one
// decimal below 100 ms, seconds with three decimals above.
func FormatDuration(d time.Duration) string {
	switch {
	case d <= 0:
		return "–"
	case d < 100*time.Millisecond:
		return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
	case d < 10*time.Second:
		return fmt.Sprintf("%.0f ms", float64(d)/float64(time.Millisecond))
	default:
		return fmt.Sprintf("%.3f s", d.Seconds())
	}
}

// FormatBytes renders n bytes in MiB with one decimal.
func FormatBytes(n int64) string {
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}
