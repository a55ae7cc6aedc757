package template

import (
	"context"
	"net/http"
	"path/filepath"
	"time"

	"github.com/acb-dev/acb/internal/diag"
)

// Options configure [Expand].
type Options struct {
	// Render configures the render of the alias block.
	Render RenderOptions
	// Aliases add to or replace entries of the predefined alias table
	// (--alias name=value), for example to point bash at a local image.
	// Alias definitions in the task file (values and src) still win.
	Aliases map[string]string
	// Dir is the directory relative alias src paths resolve against; empty
	// means the directory of the task file.
	Dir string
	// SrcRoot confines local alias src files: each must resolve (symlinks
	// followed) inside it. Empty means the directory relative paths resolve
	// against (Dir, or the task file's directory).
	SrcRoot string
	// FetchURLs fetches http(s) alias src entries. Without it they are not
	// fetched: each is reported as a warning and contributes no alias, so
	// linting an untrusted task never reaches the network.
	FetchURLs bool
	// HTTPClient fetches alias src URLs; nil means a new default client.
	HTTPClient *http.Client
	// FetchTimeout bounds each URL fetch; 0 means DefaultFetchTimeout.
	FetchTimeout time.Duration
	// Lenient accepts what ACR accepts in the alias block (two alias:
	// blocks, unknown keys), with warnings.
	Lenient bool
}

// Document is a task file after comment handling and alias substitution,
// ready to be rendered.
type Document struct {
	// File is the task file name used in positions.
	File string
	// Version is the version found by FindVersion.
	Version string
	// AliasesEnabled reports whether alias processing ran (v1.1.0 and later).
	AliasesEnabled bool
	// Directive is the alias directive in effect (0 when aliases are off).
	Directive rune
	// Text is the task text after comment handling and alias substitution,
	// before rendering.
	Text string
	// Aliases is the final alias table (nil when aliases are off), to be
	// rendered with RenderAliases and passed to ExpandImageAlias.
	Aliases map[string]string
	// Warnings are accepted oddities (lenient alias blocks).
	Warnings diag.List

	sm *sourceMap
}

// Expand runs the front end up to rendering: comment handling, version
// detection and, for v1.1.0 and later, the alias block (rendered with data),
// its src files and the $name substitution. file names the input in
// positions and anchors relative src paths.
func Expand(ctx context.Context, file string, src []byte, data Data, opts Options) (*Document, error) {
	text := blankComments(string(src))
	version := FindVersion(src)
	doc := &Document{File: file, Version: version, AliasesEnabled: AliasesEnabled(version)}
	if !doc.AliasesEnabled {
		doc.Text = text
		doc.sm = identityMap(file, text)
		return doc, nil
	}
	blk, err := splitAlias(file, text, opts.Lenient)
	if err != nil {
		return nil, err
	}
	def := aliasDef{directive: DefaultDirective}
	if blk.found {
		r, err := render(ctx, identityMap(file, blk.text), blk.text, data, opts.Render)
		if err != nil {
			return nil, err
		}
		if def, doc.Warnings, err = parseAliasBlock(r, opts.Lenient); err != nil {
			return nil, err
		}
		if blk.count > 1 {
			doc.Warnings = append(doc.Warnings, diag.Warnf(diag.Position{File: file, Line: blk.line, Col: 1}, "",
				"%d alias blocks merged, as ACR merges them", blk.count))
		}
	}
	dir := opts.Dir
	if dir == "" {
		dir = filepath.Dir(file)
	}
	table, skipped, err := buildAliasTable(ctx, def, data.Run.OS, opts, dir)
	if err != nil {
		return nil, err
	}
	doc.Warnings = append(doc.Warnings, skipped...)
	out, sub := substitute(blk.rest, def.directive, table)
	doc.Directive = def.directive
	doc.Aliases = table
	doc.Text = out
	doc.sm = &sourceMap{file: file, text: newLineIndex(out), sub: sub, orig: newLineIndex(blk.rest)}
	return doc, nil
}

// Render renders the document's Text with data; errors and the line mapping
// of the result refer to the original file.
func (d *Document) Render(ctx context.Context, data Data, opts RenderOptions) (*Rendered, error) {
	return render(ctx, d.sm, d.Text, data, opts)
}

// Pos maps a 1-based line and byte column of Text (col 0 = unknown) to the
// original file.
func (d *Document) Pos(line, col int) diag.Position { return d.sm.linePos(line, col) }
