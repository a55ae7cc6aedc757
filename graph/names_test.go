package graph

import "testing"

func TestValidContainerName(t *testing.T) {
	for id, want := range map[string]bool{
		"ab": true, "build-1": true, "a.b_c": true, "acb_step_0": true, "A9": true,
		"a": false, "": false, "-ab": false, "_ab": false, "a/b": false, "a:b": false, "héllo": false,
	} {
		if got := ValidContainerName(id); got != want {
			t.Errorf("ValidContainerName(%q) = %v, want %v", id, got, want)
		}
	}
}
