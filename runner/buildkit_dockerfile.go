package runner

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

// dockerfileLine is a Dockerfile line that needs BuildKit or a newer
// Dockerfile frontend than an engine's built-in one.
type dockerfileLine struct {
	Line int    // 1-based
	What string // e.g. "RUN --mount", "a heredoc", "# syntax="
	Text string // the line as written, trimmed
}

func (l dockerfileLine) String() string {
	if strings.HasPrefix(l.Text, l.What) {
		return fmt.Sprintf("line %d (%s)", l.Line, l.Text)
	}
	return fmt.Sprintf("line %d (%s: %s)", l.Line, l.What, l.Text)
}

// dockerfileFeatures is what a Dockerfile asks of the builder.
type dockerfileFeatures struct {
	// NeedsBuildKit lists lines the classic builder refuses.
	NeedsBuildKit []dockerfileLine
	// Heredocs lists heredoc lines (Dockerfile syntax 1.4).
	Heredocs []dockerfileLine
	// Syntax is the "# syntax=" directive, when present: BuildKit then
	// runs that frontend image instead of its built-in one.
	Syntax *dockerfileLine
}

// buildKitFlags are instruction flags only BuildKit understands.
var buildKitFlags = map[string][]string{
	"run":  {"--mount", "--network", "--security"},
	"copy": {"--chmod", "--link", "--parents", "--exclude"},
	"add":  {"--chmod", "--link", "--checksum", "--keep-git-dir", "--exclude"},
}

// scanDockerfileFeatures parses a Dockerfile with BuildKit's parser (the
// one the engine's frontend uses) and lists its BuildKit-only lines. A
// Dockerfile that does not parse yields nothing: the build reports it.
func scanDockerfileFeatures(dockerfile []byte) dockerfileFeatures {
	var f dockerfileFeatures
	if syntax, _, loc, ok := parser.DetectSyntax(dockerfile); ok {
		line := 1
		if len(loc) > 0 {
			line = loc[0].Start.Line
		}
		f.Syntax = &dockerfileLine{Line: line, What: "# syntax=", Text: "# syntax=" + syntax}
		f.NeedsBuildKit = append(f.NeedsBuildKit, *f.Syntax)
	}
	res, err := parser.Parse(bytes.NewReader(dockerfile))
	if err != nil {
		return f
	}
	lines := strings.Split(string(dockerfile), "\n")
	text := func(n int) string {
		if n >= 1 && n <= len(lines) {
			return strings.TrimSpace(lines[n-1])
		}
		return ""
	}
	for _, n := range res.AST.Children {
		instr := strings.ToLower(n.Value)
		if len(n.Heredocs) > 0 {
			l := dockerfileLine{Line: n.StartLine, What: "a heredoc", Text: text(n.StartLine)}
			f.Heredocs = append(f.Heredocs, l)
			f.NeedsBuildKit = append(f.NeedsBuildKit, l)
			continue
		}
		for _, flag := range n.Flags {
			name, _, _ := strings.Cut(flag, "=")
			for _, bk := range buildKitFlags[instr] {
				if name == bk {
					f.NeedsBuildKit = append(f.NeedsBuildKit, dockerfileLine{Line: n.StartLine, What: strings.ToUpper(instr) + " " + bk, Text: text(n.StartLine)})
				}
			}
		}
	}
	return f
}
