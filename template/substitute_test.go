package template

import (
	"strings"
	"testing"
)

func TestSubstitute(t *testing.T) {
	t.Parallel()
	aliases := map[string]string{
		"ID":       "{{.Run.ID}}",
		"Registry": "{{.Run.Registry}}",
		"repo":     "myrepo",
		"REPO":     "UPPER",
		"multi":    "line1\nline2",
		"empty":    "",
	}
	tests := []struct {
		name string
		dir  rune
		in   string
		want string
	}{
		{"none", '$', "no aliases here", "no aliases here"},
		{"simple", '$', "$repo", "myrepo"},
		{"case sensitive", '$', "$repo $REPO $Repo", "myrepo UPPER $Repo"},
		{"chaining", '$', "$Registry$ID", "{{.Run.Registry}}{{.Run.ID}}"},
		{"name ends at non alnum", '$', "$Registry/hello:$ID-amd64", "{{.Run.Registry}}/hello:{{.Run.ID}}-amd64"},
		{"alias then colon", '$', "$repo:hello", "myrepo:hello"},
		{"longest name", '$', "$IDx $repo1", "$IDx $repo1"},
		{"escape", '$', "$$ID", "$ID"},
		{"escape then alias", '$', "$$$ID", "${{.Run.ID}}"},
		{"double escape", '$', "$$$$", "$$"},
		{"unknown kept", '$', "$HOME and $MY_SECRET", "$HOME and $MY_SECRET"},
		{"unknown then directive kept", '$', "$FOO$ID x$HOME$repo", "$FOO$ID x$HOME$repo"},
		{"unknown then escape", '$', "$FOO$$ID", "$FOO${{.Run.ID}}"},
		{"known then unknown then known", '$', "$repo$FOO$ID", "myrepo$FOO$ID"},
		{"shell subst kept", '$', "echo $(date) ${X}", "echo $(date) ${X}"},
		{"trailing directive", '$', "cost 5$", "cost 5$"},
		{"lone directive", '$', "$", "$"},
		{"underscore ends name", '$', "$repo_x", "myrepo_x"},
		{"template var", '$', "{{$repo}}", "{{myrepo}}"},
		{"multi-line value", '$', "a: $multi\nb: 1", "a: line1\nline2\nb: 1"},
		{"empty value", '$', "[$empty]", "[]"},
		{"custom directive", '&', "&repo $repo &&x", "myrepo $repo &x"},
		{"unicode directive", '🐳', "🐳repo $ID 🐳🐳 🐳ID🐳repo", "myrepo $ID 🐳 {{.Run.ID}}myrepo"},
		{"unicode around", '$', "é$repoé", "émyrepoé"},
		{"invalid directive", 0xFFFD, "\xff$repo", "\xff$repo"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := Substitute(tt.in, tt.dir, aliases); got != tt.want {
				t.Errorf("Substitute(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestSubstituteOffsets(t *testing.T) {
	t.Parallel()
	in := "a: $repo\nb: $multi\nc: $$x {{ bad"
	out, m := substitute(in, '$', map[string]string{"repo": "R", "multi": "1\n2\n3"})
	// every literal byte maps back to the same byte
	i := strings.Index(out, "{{ bad")
	if j := m.src(i); in[j:] != "{{ bad" {
		t.Errorf("offset of {{ bad maps to %d (%q)", j, in[j:])
	}
	// bytes of an alias value map to its $name
	k := strings.Index(out, "2\n3")
	if j := m.src(k); !strings.HasPrefix(in[j:], "$multi") {
		t.Errorf("alias value maps to %q", in[j:])
	}
}
