package args

import (
	"errors"
	"fmt"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// HostShellError reports step text that only a host shell could run as
// written, for example a pipe or a command substitution. Callers may refuse
// the step, or run it through a shell when the user allows it.
type HostShellError struct {
	// Feature names the shell feature found, for example "pipe |",
	// "command substitution $(...)" or "redirection >".
	Feature string
}

// Error implements error.
func (e *HostShellError) Error() string {
	return "needs a host shell: " + e.Feature
}

// wordPrefix is parsed in front of the step text so that every word of the
// text is an argument of a simple command, exactly as it was for ACR's
// "docker run ..." command line: a leading NAME=value, "!", "{", "if" or
// "time" in the text is then an ordinary word, not shell syntax.
const wordPrefix = ": "

// shellWords holds the result of splitting step text into words.
type shellWords struct {
	words []string
	vars  []string // parameter names kept literally, in order, without duplicates
}

// splitWords splits s into words with POSIX shell rules and quote removal.
// Parameter expansions ($NAME, ${NAME}) outside single quotes are kept as
// written and recorded; an unquoted leading "~" is kept and recorded as "~".
// Anything else that a shell would evaluate yields a *HostShellError.
func splitWords(s string) (*shellWords, error) {
	if i := strings.IndexByte(s, 0); i >= 0 {
		// Neither a shell command line nor a process argument can hold one.
		return nil, fmt.Errorf("invalid NUL byte at offset %d", i)
	}
	src := wordPrefix + s
	f, err := syntax.NewParser(syntax.Variant(syntax.LangPOSIX)).Parse(strings.NewReader(src), "")
	if err != nil {
		return nil, parseError(err)
	}
	for _, st := range f.Stmts {
		if err := checkStmt(st); err != nil {
			return nil, err
		}
	}
	if len(f.Stmts) != 1 {
		return nil, &HostShellError{Feature: "multiple commands (newline or ;)"}
	}
	st := f.Stmts[0]
	call, ok := st.Cmd.(*syntax.CallExpr)
	if !ok || len(call.Assigns) > 0 || len(call.Args) == 0 {
		return nil, &HostShellError{Feature: "compound command"}
	}
	sw := &shellWords{}
	seen := map[string]bool{}
	for _, w := range call.Args[1:] { // Args[0] is wordPrefix
		text, err := sw.word(w, src, seen)
		if err != nil {
			return nil, err
		}
		sw.words = append(sw.words, text)
	}
	return sw, nil
}

// checkStmt rejects statement-level shell features.
func checkStmt(st *syntax.Stmt) error {
	switch {
	case st.Background:
		return &HostShellError{Feature: "background &"}
	case st.Negated:
		return &HostShellError{Feature: "negation !"}
	case st.Coprocess || st.Disown:
		return &HostShellError{Feature: "coprocess"}
	case len(st.Redirs) > 0:
		return &HostShellError{Feature: "redirection " + st.Redirs[0].Op.String()}
	}
	if b, ok := st.Cmd.(*syntax.BinaryCmd); ok {
		switch b.Op {
		case syntax.Pipe, syntax.PipeAll:
			return &HostShellError{Feature: "pipe " + b.Op.String()}
		default:
			return &HostShellError{Feature: "command list " + b.Op.String()}
		}
	}
	return nil
}

// parseError turns a shell parse error into an error whose position refers to
// the step text rather than to the prefixed source.
func parseError(err error) error {
	var pe syntax.ParseError
	if errors.As(err, &pe) {
		line, col := pe.Pos.Line(), pe.Pos.Col()
		if line == 1 && col > uint(len(wordPrefix)) {
			col -= uint(len(wordPrefix))
		}
		return fmt.Errorf("invalid shell syntax at line %d, column %d: %s", line, col, pe.Text)
	}
	return fmt.Errorf("invalid shell syntax: %w", err)
}

// word returns the text of w after quote removal.
func (sw *shellWords) word(w *syntax.Word, src string, seen map[string]bool) (string, error) {
	var b strings.Builder
	for i, part := range w.Parts {
		switch p := part.(type) {
		case *syntax.Lit:
			if i == 0 && strings.HasPrefix(p.Value, "~") {
				sw.addVar("~", seen)
			}
			b.WriteString(unescape(p.Value))
		case *syntax.SglQuoted:
			if p.Dollar {
				return "", &HostShellError{Feature: "ANSI-C quoting $'...'"}
			}
			b.WriteString(p.Value)
		case *syntax.DblQuoted:
			if p.Dollar {
				return "", &HostShellError{Feature: "locale quoting $\"...\""}
			}
			for _, dp := range p.Parts {
				switch q := dp.(type) {
				case *syntax.Lit:
					b.WriteString(unescapeDouble(q.Value))
				default:
					if err := sw.expansion(dp, src, &b, seen); err != nil {
						return "", err
					}
				}
			}
		default:
			if err := sw.expansion(part, src, &b, seen); err != nil {
				return "", err
			}
		}
	}
	return b.String(), nil
}

// expansion handles a word part that a shell would expand.
func (sw *shellWords) expansion(part syntax.WordPart, src string, b *strings.Builder, seen map[string]bool) error {
	switch p := part.(type) {
	case *syntax.ParamExp:
		text := src[p.Pos().Offset():p.End().Offset()]
		if !simpleParam(p) {
			return &HostShellError{Feature: "parameter expansion " + text}
		}
		sw.addVar(p.Param.Value, seen)
		b.WriteString(text)
		return nil
	case *syntax.CmdSubst:
		if p.Backquotes {
			return &HostShellError{Feature: "command substitution `...`"}
		}
		return &HostShellError{Feature: "command substitution $(...)"}
	case *syntax.ArithmExp:
		return &HostShellError{Feature: "arithmetic expansion $((...))"}
	case *syntax.ProcSubst:
		return &HostShellError{Feature: "process substitution"}
	default:
		return &HostShellError{Feature: fmt.Sprintf("shell expansion %q", src[part.Pos().Offset():part.End().Offset()])}
	}
}

// simpleParam reports whether p is a plain $NAME or ${NAME}.
func simpleParam(p *syntax.ParamExp) bool {
	return p.Param != nil && p.Flags == nil && !p.Excl && !p.Length && !p.Width && !p.IsSet &&
		p.NestedParam == nil && p.Index == nil && len(p.Modifiers) == 0 && p.Slice == nil &&
		p.Repl == nil && p.Names == 0 && p.Exp == nil
}

func (sw *shellWords) addVar(name string, seen map[string]bool) {
	if !seen[name] {
		seen[name] = true
		sw.vars = append(sw.vars, name)
	}
}

// unescape removes backslash escapes from an unquoted literal: "\x" is "x".
// (The parser has already removed backslash-newline line continuations.)
func unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
			if s[i] == '\n' {
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// unescapeDouble removes the backslash escapes that are special inside double
// quotes: \$ \` \" \\ and backslash-newline; any other backslash stays.
func unescapeDouble(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			switch s[i+1] {
			case '$', '`', '"', '\\':
				i++
			case '\n':
				i++
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
