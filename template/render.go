package template

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"text/template"
	"text/template/parse"
	"time"

	"github.com/Masterminds/sprig/v3"

	"github.com/acb-dev/acb/internal/diag"
)

// UnresolvedSecretB64 is what b64enc gives for an unresolved secret (see
// RenderOptions.UnresolvedSecret): an obvious marker, still valid base64 so
// that secret volume checks pass.
const UnresolvedSecretB64 = "+++SECRET+NOT+RESOLVED++"

// DefaultMaxOutput is the rendered-size limit used when
// RenderOptions.MaxOutput is zero.
const DefaultMaxOutput = 64 << 20

const (
	// tplName is the internal template name; errors are rewritten to the
	// file name and original positions.
	tplName = "acb-task"
	// printFunc is appended to every printing action so that a missing
	// value prints as "" instead of "<no value>".
	printFunc = "_acbPrint"
	// tickFunc is called on every range iteration to honour cancellation.
	tickFunc = "_acbTick"
)

// RenderOptions configure a render.
type RenderOptions struct {
	// Env is what the Sprig env and expandenv functions read; nil means an
	// empty environment. The process environment is never read.
	Env map[string]string
	// MaxOutput limits the rendered size in bytes (DefaultMaxOutput if 0).
	MaxOutput int
	// UnresolvedSecret, when set, is the value standing in for a secret
	// that render and validate could not resolve; b64enc turns it into
	// UnresolvedSecretB64 rather than base64 that looks like data.
	UnresolvedSecret string
	// Lenient renders an unknown .Run.X as an empty string, as ACR does;
	// otherwise it is an error saying so.
	Lenient bool
	// Timeout limits the time a render takes (DefaultRenderTimeout if 0).
	Timeout time.Duration
	// ResolveHosts lets Sprig's getHostByName query DNS. Without it the
	// function answers "" without resolving, so a template cannot send
	// data (a secret in a host name) to a DNS server.
	ResolveHosts bool
}

// Rendered is the result of a render.
type Rendered struct {
	// Text is the rendered text.
	Text string

	out   lineIndex  // lines of Text
	trace offsetMap  // Text offset -> template text offset
	src   *sourceMap // template text offset -> original position
}

// OrigLine maps a 1-based line of Text to the line of the original file it
// came from (for lines printed by a template action: the action's line).
// Lines out of range are clamped.
func (r *Rendered) OrigLine(n int) int { return r.OrigPos(n, 0).Line }

// OrigPos maps a 1-based line and byte column of Text (col 0 = unknown) to a
// position in the original file.
func (r *Rendered) OrigPos(line, col int) diag.Position {
	p := r.src.pos(r.trace.src(r.out.offset(line, col)))
	if col == 0 {
		p.Col = 0
	}
	return p
}

// root is the template's dot.
type root struct {
	Run     Run
	Build   build
	Values  map[string]any
	Secrets map[string]string
}

// ValuesJSON is .ValuesJSON, computed only when a template uses it, so that
// values JSON cannot encode (NaN) fail only the templates that need it.
func (r *root) ValuesJSON() (string, error) { return ValuesJSON(r.Values) }

// RunJSON is .RunJSON.
func (r *root) RunJSON() (string, error) { return RunJSON(r.Run) }

// lenientRoot is the dot of a lenient render: .Run is a map, so an unknown
// field is missing and renders empty, as on ACR (whose .Run is a map).
type lenientRoot struct {
	*root
	Run map[string]any
}

// build is the legacy .Build namespace.
type build struct{ ID string }

// Render renders text, the content of the file called name, as a Go
// text/template with the Sprig functions (see the package documentation).
// Errors are diag.Diagnostic values positioned in text.
func Render(ctx context.Context, name, text string, data Data, opts RenderOptions) (*Rendered, error) {
	return render(ctx, identityMap(name, text), text, data, opts)
}

func render(ctx context.Context, sm *sourceMap, text string, data Data, opts RenderOptions) (*Rendered, error) {
	var dot any = newRoot(data)
	if opts.Lenient {
		run := map[string]any{}
		for k, v := range data.Run.fields() {
			run[k] = v
		}
		dot = &lenientRoot{root: dot.(*root), Run: run}
	}
	limit := opts.MaxOutput
	if limit <= 0 {
		limit = DefaultMaxOutput
	}
	b := newBudget(ctx, sm, opts.Timeout)
	fm := funcMap(ctx, opts.Env, limit)
	fm[tickFunc] = b.tick
	if !opts.ResolveHosts {
		fm["getHostByName"] = func(string) string { return "" }
	}
	if opts.UnresolvedSecret != "" {
		fm["b64enc"] = func(v any) string {
			if v == opts.UnresolvedSecret {
				return UnresolvedSecretB64
			}
			return b64enc(v)
		}
	}
	guardSlow(fm, b)
	t, err := template.New(tplName).Option("missingkey=zero").Funcs(fm).Parse(text)
	if err != nil {
		return nil, templateError(sm, err)
	}
	idx := instrument(t)
	w := &traceWriter{texts: idx, limit: limit, maxSegments: limit/16 + 1024}
	w.buf.Grow(min(len(text)+len(text)/4, limit))
	if err := execute(t, w, dot); err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("render %s: %w", sm.file, context.Cause(ctx))
		}
		if w.err != nil {
			return nil, fmt.Errorf("render %s: %w", sm.file, w.err)
		}
		if b.err != nil {
			return nil, b.err
		}
		return nil, templateError(sm, err)
	}
	out := w.buf.String()
	return &Rendered{Text: out, out: newLineIndex(out), trace: w.trace, src: sm}, nil
}

func execute(t *template.Template, w *traceWriter, dot any) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("template rendering panicked: %v", r)
		}
	}()
	return t.Execute(w, dot)
}

func newRoot(data Data) *root {
	values := data.Values
	if values == nil {
		values = map[string]any{}
	}
	secrets := data.Secrets
	if secrets == nil {
		secrets = map[string]string{}
	}
	return &root{Run: data.Run, Build: build{ID: data.Run.ID}, Values: values, Secrets: secrets}
}

// funcMap is Sprig's text function map with acb's replacements. It is built
// per render: env reads the given map, the tick honours ctx and the
// size-driven functions respect limit.
func funcMap(ctx context.Context, env map[string]string, limit int) template.FuncMap {
	fm := sprig.TxtFuncMap()
	sprigV2(fm)
	guardFuncs(fm, limit)
	fm["env"] = func(k string) string { return env[k] }
	fm["expandenv"] = func(s string) string { return os.Expand(s, func(k string) string { return env[k] }) }
	fm["b64enc"] = b64enc
	fm[printFunc] = func(v any) any {
		if v == nil {
			return ""
		}
		return v
	}
	fm[tickFunc] = func(int) (string, error) { return "", ctx.Err() } // render replaces it with its budget's
	return fm
}

// b64enc encodes strings and byte slices as is and anything else as its
// fmt %v text; nil gives "".
func b64enc(v any) string {
	switch t := v.(type) {
	case nil:
		return ""
	case string:
		return base64.StdEncoding.EncodeToString([]byte(t))
	case []byte:
		return base64.StdEncoding.EncodeToString(t)
	default:
		return base64.StdEncoding.EncodeToString([]byte(fmt.Sprint(t)))
	}
}

// instrument rewrites the parsed templates: every printing action gets the
// print function appended, every range body starts with a cancellation tick.
// It returns the address of each text node's bytes mapped to the node's
// offset, which the trace writer uses to recognise verbatim text.
func instrument(t *template.Template) map[*byte]int {
	idx := map[*byte]int{}
	seen := map[*parse.Tree]bool{}
	var walk func(tr *parse.Tree, n parse.Node)
	walkList := func(tr *parse.Tree, l *parse.ListNode) {
		if l == nil {
			return
		}
		for _, c := range l.Nodes {
			walk(tr, c)
		}
	}
	walk = func(tr *parse.Tree, n parse.Node) {
		switch n := n.(type) {
		case *parse.TextNode:
			if len(n.Text) > 0 {
				idx[&n.Text[0]] = int(n.Pos)
			}
		case *parse.ActionNode:
			if n.Pipe != nil && len(n.Pipe.Decl) == 0 {
				id := parse.NewIdentifier(printFunc).SetTree(tr).SetPos(n.Pos)
				n.Pipe.Cmds = append(n.Pipe.Cmds, &parse.CommandNode{
					NodeType: parse.NodeCommand, Pos: n.Pos, Args: []parse.Node{id},
				})
			}
		case *parse.IfNode:
			walkList(tr, n.List)
			walkList(tr, n.ElseList)
		case *parse.WithNode:
			walkList(tr, n.List)
			walkList(tr, n.ElseList)
		case *parse.RangeNode:
			walkList(tr, n.List)
			walkList(tr, n.ElseList)
			if n.List != nil {
				n.List.Nodes = append([]parse.Node{tickAction(tr, n.Pos, n.Line)}, n.List.Nodes...)
			}
		case *parse.ListNode:
			walkList(tr, n)
		}
	}
	// A tick before every template call bounds recursive templates, which
	// can loop exponentially without a range.
	var tickCalls func(tr *parse.Tree, l *parse.ListNode)
	tickCalls = func(tr *parse.Tree, l *parse.ListNode) {
		if l == nil {
			return
		}
		nodes := make([]parse.Node, 0, len(l.Nodes))
		for _, c := range l.Nodes {
			switch c := c.(type) {
			case *parse.TemplateNode:
				nodes = append(nodes, tickAction(tr, c.Pos, c.Line))
			case *parse.IfNode:
				tickCalls(tr, c.List)
				tickCalls(tr, c.ElseList)
			case *parse.WithNode:
				tickCalls(tr, c.List)
				tickCalls(tr, c.ElseList)
			case *parse.RangeNode:
				tickCalls(tr, c.List)
				tickCalls(tr, c.ElseList)
			case *parse.ListNode:
				tickCalls(tr, c)
			}
			nodes = append(nodes, c)
		}
		l.Nodes = nodes
	}
	for _, tt := range t.Templates() {
		if tt.Tree != nil && !seen[tt.Tree] {
			seen[tt.Tree] = true
			walkList(tt.Tree, tt.Tree.Root)
			tickCalls(tt.Tree, tt.Tree.Root)
		}
	}
	return idx
}

// tickAction is {{_acbTick POS}}: it prints nothing and fails the render
// when it is cancelled or out of time, naming the template offset pos.
func tickAction(tr *parse.Tree, pos parse.Pos, line int) *parse.ActionNode {
	id := parse.NewIdentifier(tickFunc).SetTree(tr).SetPos(pos)
	arg := &parse.NumberNode{NodeType: parse.NodeNumber, Pos: pos, IsInt: true, Int64: int64(pos), Text: strconv.Itoa(int(pos))}
	return &parse.ActionNode{NodeType: parse.NodeAction, Pos: pos, Line: line,
		Pipe: &parse.PipeNode{NodeType: parse.NodePipe, Pos: pos, Line: line,
			Cmds: []*parse.CommandNode{{NodeType: parse.NodeCommand, Pos: pos, Args: []parse.Node{id, arg}}}}}
}

// ErrOutputLimit is wrapped by the error of a render that exceeds its size
// limit (RenderOptions.MaxOutput).
var ErrOutputLimit = errors.New("rendered output exceeds the size limit")

// traceWriter collects the rendered output and records where each write
// came from.
type traceWriter struct {
	buf   bytes.Buffer
	texts map[*byte]int
	trace offsetMap
	next  int // template offset just after the last text node written
	limit int
	err   error
	// maxSegments bounds the trace, which would otherwise grow by one
	// segment per write (a range printing one byte per iteration); past it
	// the rest of the output maps to the last position recorded.
	maxSegments int
}

func (w *traceWriter) Write(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if w.buf.Len()+len(p) > w.limit {
		w.err = fmt.Errorf("%w (%d bytes)", ErrOutputLimit, w.limit)
		return 0, w.err
	}
	pos, lit := w.texts[&p[0]]
	if !lit {
		pos = w.next
	}
	switch {
	case len(w.trace) < w.maxSegments:
		w.trace.add(w.buf.Len(), pos, lit)
	case len(w.trace) == w.maxSegments:
		w.trace.add(w.buf.Len(), pos, false) // the last segment: no drift past it
	}
	if lit {
		w.next = pos + len(p)
	}
	return w.buf.Write(p)
}

// templateError turns a text/template error into a diagnostic positioned in
// the original file. text/template only reports positions inside its
// messages ("template: NAME:LINE[:COL]: ..."), so they are parsed from
// there; every other "NAME:LINE" reference in the message is rewritten too.
func templateError(sm *sourceMap, err error) error {
	msg := err.Error()
	pos := diag.Position{File: sm.file}
	prefix := "template: " + tplName + ":"
	if rest, ok := strings.CutPrefix(msg, prefix); ok {
		line, col, n := parseLineCol(rest)
		if n > 0 && strings.HasPrefix(rest[n:], ": ") {
			pos = sm.linePos(line, col)
			msg = rest[n+2:]
		}
	} else {
		msg = strings.TrimPrefix(msg, "template: ")
	}
	msg = strings.Replace(msg, `executing "`+tplName+`" at `, "error at ", 1)
	msg = explainUnknownRun(explainUndefined(rewriteRefs(sm, msg)))
	return diag.Errorf(pos, "", "template: %s", msg)
}

// unknownRunRE matches text/template's message for a field .Run lacks.
var unknownRunRE = regexp.MustCompile(`can't evaluate field (\w+) in type template\.Run`)

// explainUnknownRun words an unknown .Run field as what it is and what ACR
// does with it.
func explainUnknownRun(msg string) string {
	return unknownRunRE.ReplaceAllString(msg, "unknown run variable .Run.$1 (ACR renders it as an empty string; --lenient does the same)")
}

// parseLineCol parses "LINE" or "LINE:COL" (text/template's COL is a 0-based
// byte offset) at the start of s and returns the 1-based line and column
// (0 when absent) and the length consumed.
func parseLineCol(s string) (line, col, n int) {
	d := digits(s)
	if d == 0 {
		return 0, 0, 0
	}
	line, _ = strconv.Atoi(s[:d])
	n = d
	if n < len(s) && s[n] == ':' {
		if d2 := digits(s[n+1:]); d2 > 0 {
			c, _ := strconv.Atoi(s[n+1 : n+1+d2])
			col = c + 1
			n += 1 + d2
		}
	}
	return line, col, n
}

func digits(s string) int {
	i := 0
	for i < len(s) && i < 9 && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i
}

// rewriteRefs replaces "NAME:LINE[:COL]" references with original positions.
func rewriteRefs(sm *sourceMap, msg string) string {
	ref := tplName + ":"
	var b strings.Builder
	for {
		i := strings.Index(msg, ref)
		if i < 0 {
			b.WriteString(msg)
			return b.String()
		}
		b.WriteString(msg[:i])
		rest := msg[i+len(ref):]
		line, col, n := parseLineCol(rest)
		if n == 0 {
			b.WriteString(sm.file)
			msg = rest
			continue
		}
		b.WriteString(sm.linePos(line, col).String())
		msg = rest[n:]
	}
}
