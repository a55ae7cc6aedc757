package report

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
)

// ErrSyntax is wrapped by the errors Scan returns when the Dockerfile cannot
// be understood (bad syntax, or no FROM at all). ACR Tasks callers print such
// an error as a warning and leave the dependencies out; the run goes on.
// Errors that do not wrap ErrSyntax come from reading the Dockerfile.
var ErrSyntax = errors.New("dockerfile not understood")

// scratch is the empty base image; reported as ACR reports it, never
// looked up.
const scratch = "scratch"

// ScanOptions are the build settings that change which bases a Dockerfile
// uses. The zero value scans the whole file with no build arguments.
type ScanOptions struct {
	// BuildArgs are the --build-arg values. They override ARG defaults and,
	// as in acb, are visible to FROM even without a matching ARG.
	BuildArgs map[string]string
	// Target is the --target stage; scanning stops after its FROM. Empty
	// means the last stage.
	Target string
}

// Stage is one FROM of a Dockerfile.
type Stage struct {
	// Line is the line of the FROM instruction, counting from 1.
	Line int `json:"line"`
	// Name is the lower-cased "AS" name; empty if the stage has none.
	Name string `json:"name,omitempty"`
	// Base is the FROM argument after ARG substitution.
	Base string `json:"base"`
	// Platform is the --platform flag as written (not expanded).
	Platform string `json:"platform,omitempty"`
	// Origin is the external image the stage is built on: Base, or the
	// origin of the earlier stage Base names ("scratch" for scratch). Empty
	// for an empty base.
	Origin string `json:"origin"`
}

// ScanResult is what Scan found in a Dockerfile.
type ScanResult struct {
	// Stages are the stages read, in file order, up to the target stage.
	Stages []Stage
	// Runtime is the origin of the final (or target) stage (scratch
	// included, as ACR reports it); nil when it could not be parsed.
	Runtime *ImageReference
	// Buildtime are the other distinct external bases of the stages read,
	// in file order, including stages the build never uses (as acb does).
	Buildtime []*ImageReference
	// Warnings are problems that do not stop the scan, such as upper-case
	// image names (Docker rejects them) or unset variables in FROM.
	Warnings []string
}

// Scan reads a Dockerfile and finds the base images its build uses. It
// returns an error wrapping ErrSyntax when the Dockerfile cannot be
// understood; smaller problems are listed in ScanResult.Warnings.
func Scan(dockerfile io.Reader, opts ScanOptions) (*ScanResult, error) {
	rec := &errReader{r: dockerfile}
	parsed, err := parser.Parse(rec)
	if rec.err != nil {
		return nil, fmt.Errorf("reading dockerfile: %w", rec.err)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrSyntax, err)
	}
	s := &scanner{
		lex:  shell.NewLex(parsed.EscapeToken),
		args: make(env, len(opts.BuildArgs)),
		res:  &ScanResult{},
	}
	for k, v := range opts.BuildArgs {
		s.args[k] = arg{value: v, source: fromBuildArg}
	}
	stopped := false
	for _, node := range parsed.AST.Children {
		switch strings.ToLower(node.Value) {
		case "arg":
			s.arg(node)
		case "from":
			if err := s.from(node); err != nil {
				return nil, fmt.Errorf("%w: line %d: %w", ErrSyntax, node.StartLine, err)
			}
			st := s.res.Stages[len(s.res.Stages)-1]
			stopped = opts.Target != "" && st.Name == strings.ToLower(opts.Target)
		}
		if stopped {
			break
		}
	}
	if len(s.res.Stages) == 0 {
		return nil, fmt.Errorf("%w: no FROM instruction", ErrSyntax)
	}
	if opts.Target != "" && !stopped {
		s.warnf("target stage %q not found in the Dockerfile: the dependency report uses the last stage, and the build will fail", opts.Target)
	}
	s.dependencies()
	return s.res, nil
}

// argSource says where a variable's value came from.
type argSource int

const (
	fromBuildArg argSource = iota // --build-arg: always wins
	fromGlobal                    // ARG before the first FROM
	fromStage                     // ARG inside a stage: docker ignores it in FROM
)

// arg is a variable's value and where it came from.
type arg struct {
	value  string
	source argSource
}

// env holds the variables FROM lines can use; it is a shell.EnvGetter.
type env map[string]arg

// Get implements shell.EnvGetter.
func (e env) Get(key string) (string, bool) {
	a, ok := e[key]
	return a.value, ok
}

// Keys implements shell.EnvGetter.
func (e env) Keys() []string {
	keys := make([]string, 0, len(e))
	for k := range e {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// scanner is the state of one Scan.
type scanner struct {
	lex  *shell.Lex
	args env
	res  *ScanResult
}

// arg records ARG defaults. Build args always win. Before the first FROM a
// later ARG overrides an earlier one, as in docker. Inside a stage only a
// variable not yet defined is set, as in acb (docker would not use it in a
// later FROM; from warns when that happens).
func (s *scanner) arg(node *parser.Node) {
	source := fromStage
	if len(s.res.Stages) == 0 {
		source = fromGlobal
	}
	for n := node.Next; n != nil; n = n.Next {
		key, raw, ok := strings.Cut(n.Value, "=")
		if !ok || key == "" {
			continue
		}
		if old, found := s.args[key]; found && (source == fromStage || old.source == fromBuildArg) {
			continue
		}
		value, _, err := s.lex.ProcessWord(raw, s.args)
		if err != nil {
			s.warnf("line %d: ARG %s: %v", node.StartLine, key, err)
			continue
		}
		s.args[key] = arg{value: value, source: source}
	}
}
