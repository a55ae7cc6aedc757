package report

import "testing"

func TestHasDefault(t *testing.T) {
	tests := []struct {
		word, name string
		want       bool
	}{
		{"${X:-a}", "X", true},
		{"${X-a}/${X:+b}", "X", true},
		{"$X", "X", false},
		{"${X}", "X", false},
		{"${X:-a}$X", "X", false},
		{"$XY${X:-a}", "X", true},
		{"${XY}", "X", false},
		{"alpine", "X", false},
		{"${X", "X", false},
	}
	for _, tt := range tests {
		if got := hasDefault(tt.word, tt.name); got != tt.want {
			t.Errorf("hasDefault(%q, %q) = %v; want %v", tt.word, tt.name, got, tt.want)
		}
	}
}
