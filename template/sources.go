package template

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/acb-dev/acb/internal/diag"
	"github.com/acb-dev/acb/internal/inputfile"
)

// DefaultFetchTimeout bounds each alias src URL fetch (acr-builder: 2 s).
const DefaultFetchTimeout = 2 * time.Second

// maxSrcSize bounds an alias src file or response body.
const maxSrcSize = 1 << 20

// loadAliasSrc reads one alias.src entry: an http(s) URL or a local file,
// relative to dir. The content must be a flat YAML map of name to string.
func loadAliasSrc(ctx context.Context, s srcRef, dir string, opts Options) (map[string]string, error) {
	var (
		data []byte
		name string
		err  error
	)
	if isURL(s.ref) {
		name = redactURL(s.ref)
		data, err = fetch(ctx, opts, s.ref)
	} else {
		name = s.ref
		if !filepath.IsAbs(name) {
			name = filepath.Join(dir, name)
		}
		root := opts.SrcRoot
		if root == "" {
			root = dir
		}
		if err = insideRoot(name, root); err == nil {
			data, err = readLimited(name)
		}
	}
	if err != nil {
		return nil, diag.Errorf(s.pos, "", "alias src %s: %v", name, err)
	}
	return parseAliasFile(name, data)
}

// isURL reports whether an alias src entry is an http(s) URL.
func isURL(ref string) bool {
	lower := strings.ToLower(ref)
	return strings.HasPrefix(lower, "https://") || strings.HasPrefix(lower, "http://")
}

// insideRoot checks that path, symlinks followed, is inside root, so a task
// file cannot make acb read host files (and quote them in errors) through
// alias src.
func insideRoot(path, root string) error {
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return fmt.Errorf("directory %s: %w", root, err)
	}
	realRoot, err = filepath.Abs(realRoot)
	if err != nil {
		return err
	}
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return err
	}
	real, err = filepath.Abs(real)
	if err != nil {
		return err
	}
	if rel, err := filepath.Rel(realRoot, real); err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return fmt.Errorf("outside %s: acb reads alias src files only inside the task's directory (its context for acb run)", root)
	}
	return nil
}

// readLimited reads a regular file of at most maxSrcSize bytes; a FIFO or
// device is refused, since reading it could block forever.
func readLimited(path string) ([]byte, error) {
	return inputfile.Read(path, maxSrcSize)
}

func readAllLimited(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxSrcSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxSrcSize {
		return nil, fmt.Errorf("larger than %d bytes", maxSrcSize)
	}
	return data, nil
}

// fetch GETs an alias src URL with the configured client and timeout. A
// status above 299 is an error carrying the start of the body.
func fetch(ctx context.Context, opts Options, rawURL string) ([]byte, error) {
	timeout := opts.FetchTimeout
	if timeout <= 0 {
		timeout = DefaultFetchTimeout
	}
	client := opts.HTTPClient
	if client == nil {
		client = &http.Client{}
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, redactErr(err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, redactErr(err)
	}
	defer resp.Body.Close()
	data, err := readAllLimited(resp.Body)
	if err != nil {
		return nil, redactErr(err)
	}
	if resp.StatusCode > 299 {
		body := strings.TrimSpace(string(data))
		if len(body) > 200 {
			body = body[:200] + "..."
		}
		return nil, fmt.Errorf("status %d: %s", resp.StatusCode, body)
	}
	return data, nil
}

// redactURL drops the user info and query (SAS tokens) of a URL.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "<invalid URL>"
	}
	u.User = nil
	if u.RawQuery != "" {
		u.RawQuery = "REDACTED"
	}
	u.Fragment = ""
	return u.String()
}

func redactErr(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		ue.URL = redactURL(ue.URL)
	}
	return err
}

// parseAliasFile parses a flat YAML map of alias name to string value.
func parseAliasFile(name string, data []byte) (map[string]string, error) {
	out := map[string]string{}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("alias src %s: %w", name, err)
	}
	if len(doc.Content) == 0 || doc.Content[0].Tag == "!!null" {
		return out, nil
	}
	m := doc.Content[0]
	at := func(n *yaml.Node) diag.Position { return diag.Position{File: name, Line: n.Line, Col: n.Column} }
	if m.Kind != yaml.MappingNode {
		return nil, diag.Errorf(at(m), "", "alias src must be a map of name to string")
	}
	var errs diag.List
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if k.Kind != yaml.ScalarNode || !validAliasName(k.Value) {
			errs = append(errs, diag.Errorf(at(k), "", "alias name %q must be letters and digits only", k.Value))
			continue
		}
		s, ok := scalarString(v)
		if !ok {
			errs = append(errs, diag.Errorf(at(v), "", "alias %q must be a string", k.Value))
			continue
		}
		out[k.Value] = s
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return out, nil
}
