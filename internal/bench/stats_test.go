package bench

import (
	"testing"
	"time"
)

func TestSummarize(t *testing.T) {
	ms := time.Millisecond
	tests := []struct {
		name string
		in   []time.Duration
		want Summary
	}{
		{"empty", nil, Summary{}},
		{"one", []time.Duration{5 * ms}, Summary{N: 1, Median: 5 * ms, Min: 5 * ms, Max: 5 * ms}},
		{"odd unsorted", []time.Duration{9 * ms, 1 * ms, 4 * ms}, Summary{N: 3, Median: 4 * ms, Min: 1 * ms, Max: 9 * ms}},
		{"even takes the mean", []time.Duration{4 * ms, 1 * ms, 2 * ms, 8 * ms}, Summary{N: 4, Median: 3 * ms, Min: 1 * ms, Max: 8 * ms}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := append([]time.Duration(nil), tt.in...)
			if got := Summarize(tt.in); got != tt.want {
				t.Errorf("Summarize(%v) = %+v, want %+v", tt.in, got, tt.want)
			}
			for i := range in {
				if in[i] != tt.in[i] {
					t.Fatalf("Summarize reordered its input")
				}
			}
		})
	}
}

func TestRatio(t *testing.T) {
	a := Summary{Median: 3 * time.Second}
	b := Summary{Median: 2 * time.Second}
	if got := Ratio(a, b); got != 1.5 {
		t.Errorf("Ratio = %v, want 1.5", got)
	}
	if got := Ratio(a, Summary{}); got != 0 {
		t.Errorf("Ratio against nothing = %v, want 0", got)
	}
}

func TestMedianInt(t *testing.T) {
	if got := MedianInt([]int64{30, 10, 20, 40}); got != 20 {
		t.Errorf("MedianInt = %d, want the lower middle 20", got)
	}
	if got := MedianInt(nil); got != 0 {
		t.Errorf("MedianInt(nil) = %d", got)
	}
}

func TestFormatDuration(t *testing.T) {
	tests := []struct {
		in   time.Duration
		want string
	}{
		{0, "–"},
		{12340 * time.Microsecond, "12.3 ms"},
		{256 * time.Millisecond, "256 ms"},
		{7456 * time.Millisecond, "7456 ms"},
		{12500 * time.Millisecond, "12.500 s"},
	}
	for _, tt := range tests {
		if got := FormatDuration(tt.in); got != tt.want {
			t.Errorf("FormatDuration(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCutRSSMarker(t *testing.T) {
	rss, out := cutRSSMarker([]byte("hello\nACBBENCH_MAXRSS_KIB=2048\n"))
	if rss != 2048*1024 || string(out) != "hello\n" {
		t.Fatalf("got %d %q", rss, out)
	}
	rss, out = cutRSSMarker([]byte("no marker"))
	if rss != 0 || string(out) != "no marker" {
		t.Fatalf("got %d %q", rss, out)
	}
}
