package report

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// WriteJSON writes deps as acb prints them: one line of JSON followed by a
// newline. This is the --report-file format. A nil or empty deps is "[]".
func WriteJSON(w io.Writer, deps []Dependencies) error {
	if deps == nil {
		deps = []Dependencies{}
	}
	b, err := json.Marshal(deps)
	if err != nil {
		return fmt.Errorf("encoding report: %w", err)
	}
	b = append(b, '\n')
	if _, err := w.Write(b); err != nil {
		return fmt.Errorf("writing report: %w", err)
	}
	return nil
}

// WriteYAML writes deps in the YAML layout ACR prints in run logs after
// "The following dependencies were found:". Each reference lists registry,
// repository, tag (when set) and digest, in that order; strings that YAML
// would read as another type are quoted as go-yaml quotes them (tag: "9").
// A missing image or runtime dependency is "null", an empty buildtime list
// is left out, and an empty git revision gives "git: {}".
func WriteYAML(w io.Writer, deps []Dependencies) error {
	bw := bufio.NewWriter(w)
	if len(deps) == 0 {
		bw.WriteString("[]\n")
	}
	for _, d := range deps {
		writeRef(bw, "- ", "image", "    ", d.Image)
		writeRef(bw, "  ", "runtime-dependency", "    ", d.Runtime)
		if len(d.Buildtime) > 0 {
			bw.WriteString("  buildtime-dependency:\n")
			for _, b := range d.Buildtime {
				if b == nil {
					bw.WriteString("  - null\n")
					continue
				}
				writeFields(bw, "  - ", "    ", b)
			}
		}
		if d.Git == nil || d.Git.GitHeadRevision == "" {
			bw.WriteString("  git: {}\n")
		} else {
			fmt.Fprintf(bw, "  git:\n    git-head-revision: %s\n", scalar(d.Git.GitHeadRevision))
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing report: %w", err)
	}
	return nil
}

// writeRef writes "key:" and r's fields indented by indent, or "key: null".
func writeRef(w *bufio.Writer, prefix, key, indent string, r *ImageReference) {
	if r == nil {
		fmt.Fprintf(w, "%s%s: null\n", prefix, key)
		return
	}
	fmt.Fprintf(w, "%s%s:\n", prefix, key)
	writeFields(w, indent, indent, r)
}

// writeFields writes r's fields, the first line after first, the others
// after indent.
func writeFields(w *bufio.Writer, first, indent string, r *ImageReference) {
	fmt.Fprintf(w, "%sregistry: %s\n", first, scalar(r.Registry))
	fmt.Fprintf(w, "%srepository: %s\n", indent, scalar(r.Repository))
	if r.Tag != "" {
		fmt.Fprintf(w, "%stag: %s\n", indent, scalar(r.Tag))
	}
	fmt.Fprintf(w, "%sdigest: %s\n", indent, scalar(r.Digest))
}

// scalar renders s as a YAML string the way go-yaml does, quoting it when it
// would otherwise read as a number, boolean, null or other syntax.
func scalar(s string) string {
	b, err := yaml.Marshal(s)
	out := strings.TrimSuffix(string(b), "\n")
	if err != nil || strings.Contains(out, "\n") {
		return strconv.Quote(s)
	}
	return out
}
