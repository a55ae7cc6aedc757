package args

import (
	"errors"
	"strings"
	"testing"
)

func FuzzParseCmd(f *testing.F) {
	for _, s := range []string{
		"alpine", "-it alpine sh", `bash -c 'echo a | b'`, `alpine echo "a b" c\ d`, "alpine echo $HOME ${X}",
		"a | b", "a && b", "a; b", "a > f", "a $(b)", "a `b`", "-m 1g --cpus 1.5 -e A=1 x", "--gpus all x",
		"bash -c '\n echo a\n'\n", "a \\\n b", "x \"$(y)\"", "-- x", "~ ~/a", "x #c", "x 'unterminated",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseCmd(s)
		if err != nil {
			if c != nil {
				t.Fatalf("ParseCmd(%q) returned both a result and error %v", s, err)
			}
			var he *HostShellError
			if errors.As(err, &he) && he.Feature == "" {
				t.Fatalf("ParseCmd(%q): HostShellError without feature", s)
			}
			return
		}
		if c.Image == "" {
			t.Fatalf("ParseCmd(%q) succeeded with an empty image", s)
		}
		if c.MemoryBytes < 0 || c.NanoCPUs < 0 {
			t.Fatalf("ParseCmd(%q) negative limits: %+v", s, c)
		}
		for _, v := range c.ShellVars {
			if v != "~" && !strings.Contains(s, v) {
				t.Fatalf("ParseCmd(%q) records shell var %q not in the input", s, v)
			}
		}
		// ParseBuild must not panic on the same text either.
		if b, err := ParseBuild(s); err == nil && b.Context == "" {
			t.Fatalf("ParseBuild(%q) succeeded with an empty context", s)
		}
	})
}
