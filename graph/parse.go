package graph

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"

	"go.yaml.in/yaml/v3"

	"github.com/acb-dev/acb/internal/diag"
)

// Parse reads a rendered task file, validates it and applies defaults.
//
// src is the text after templating and alias substitution. On success the
// returned Task has every default applied and its Warnings set. When any
// error is found, Parse returns a nil Task and a diag.List holding every
// problem found in the pass, errors and warnings alike, sorted by position;
// use its Errors method to keep only the errors.
//
// An empty document, or one with only a version, is a valid task without
// steps.
func Parse(src []byte, opts ParseOptions) (*Task, error) {
	p := newParser(src, opts)
	t := &Task{File: p.file}
	if root := p.document(src); root != nil {
		p.task(root, t)
	}
	p.applyDefaults(t)
	p.buildKitNotices(t)
	p.linkSteps(t)
	p.sortDiags()
	if p.diags.Err() != nil {
		return nil, p.diags
	}
	t.Warnings = p.diags
	return t, nil
}

// parser holds the state of one Parse call.
type parser struct {
	opts  ParseOptions
	file  string
	diags diag.List

	// budget bounds the number of nodes visited, so YAML aliases cannot
	// make the walk explode ("billion laughs").
	budget    int
	exhausted bool

	// steps holds, per step, the nodes needed by the checks that span
	// steps (ids and when references).
	steps []stepSource
	// volumeNames holds the declared volume names, for volumeMounts checks.
	volumeNames map[string]bool
}

// stepSource remembers where a step's id and when entries are.
type stepSource struct {
	id   *yaml.Node   // nil when the id was defaulted
	when []*yaml.Node // parallel to Step.When after deduplication
}

func newParser(src []byte, opts ParseOptions) *parser {
	file := opts.File
	if file == "" {
		file = DefaultFileName
	}
	return &parser{opts: opts, file: file, budget: 16*len(src) + 4096}
}

// position returns the position of n in the original file.
func (p *parser) position(n *yaml.Node) diag.Position {
	if n == nil {
		return diag.Position{File: p.file}
	}
	return diag.Position{File: p.file, Line: p.mapLine(n.Line), Col: n.Column}
}

func (p *parser) mapLine(line int) int {
	if line > 0 && p.opts.LineMap != nil {
		return p.opts.LineMap(line)
	}
	return line
}

func (p *parser) errorf(n *yaml.Node, stepID, format string, args ...any) {
	p.diags = append(p.diags, diag.Errorf(p.position(n), stepID, format, args...))
}

func (p *parser) warnf(n *yaml.Node, stepID, format string, args ...any) {
	p.diags = append(p.diags, diag.Warnf(p.position(n), stepID, format, args...))
}

// keyProblemf reports a key problem: an error, or a warning when lenient.
func (p *parser) keyProblemf(n *yaml.Node, stepID, format string, args ...any) {
	if p.opts.Lenient {
		p.warnf(n, stepID, format, args...)
		return
	}
	p.errorf(n, stepID, format, args...)
}

// sortDiags orders diagnostics by position, keeping the order of the pass
// for equal positions.
func (p *parser) sortDiags() {
	sort.SliceStable(p.diags, func(i, j int) bool {
		a, b := p.diags[i].Pos, p.diags[j].Pos
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
}

// document parses src and returns the root mapping, or nil when there is
// nothing to read (empty input, null document or a fatal problem).
func (p *parser) document(src []byte) *yaml.Node {
	dec := yaml.NewDecoder(bytes.NewReader(src))
	var doc yaml.Node
	if err := decodeNode(dec, &doc); err != nil {
		if !errors.Is(err, io.EOF) {
			p.yamlError(src, err, false)
		}
		return nil
	}
	var extra yaml.Node
	switch err := decodeNode(dec, &extra); {
	case err == nil:
		at := &extra
		if len(extra.Content) > 0 {
			at = extra.Content[0]
		}
		p.keyProblemf(at, "", "a second YAML document starts here; a task file holds exactly one document")
	case !errors.Is(err, io.EOF):
		p.yamlError(src, err, p.opts.Lenient)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil
	}
	root := p.resolve(doc.Content[0])
	if root == nil || isNull(root) {
		return nil
	}
	if root.Kind != yaml.MappingNode {
		p.errorf(root, "", "a task must be a mapping of keys such as version and steps, found %s", kindName(root))
		return nil
	}
	return root
}

// decodeNode decodes the next document, turning a parser panic into an
// error so that no input can crash Parse.
func decodeNode(dec *yaml.Decoder, n *yaml.Node) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("yaml: the YAML parser failed: %v", r)
		}
	}()
	return dec.Decode(n)
}

var yamlLineRE = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// yamlError reports a syntax error from the YAML library with its line,
// refined to the offending line and column with a hint when the cause is a
// known one (see locateYAMLError).
func (p *parser) yamlError(src []byte, err error, warn bool) {
	msg := err.Error()
	pos := diag.Position{File: p.file}
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		msg = m[2]
		if line, convErr := strconv.Atoi(m[1]); convErr == nil {
			spot := locateYAMLError(src, line, msg)
			pos.Line, pos.Col = p.mapLine(spot.line), spot.col
			if spot.hint != "" {
				msg += ": " + spot.hint
			}
		}
	} else if len(msg) > 6 && msg[:6] == "yaml: " {
		msg = msg[6:]
	}
	d := diag.Errorf(pos, "", "invalid YAML: %s", msg)
	if warn {
		d.Severity = diag.Warning
	}
	p.diags = append(p.diags, d)
}
