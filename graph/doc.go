// Package graph turns a rendered ACR Tasks YAML file into a validated,
// defaulted Task and builds the dependency graph of its steps.
//
// # Input
//
// Parse reads the text that comes out of the template stage: Go templates
// and $aliases have already been applied, and the top-level alias block is
// ignored. The YAML is read into go.yaml.in/yaml/v3 nodes and walked by hand,
// so every problem carries file, line and column (mapped back to the original
// file through ParseOptions.LineMap) and, inside a step, the step id.
//
// Parse reports every problem it finds in one pass, as a diag.List. Unknown
// and duplicate keys are errors with a "did you mean" hint; with
// ParseOptions.Lenient they become warnings, unknown keys are ignored and the
// last of several duplicate keys wins, as in the reference engine (yaml.v2,
// non-strict). A duplicate top-level version key is always only a warning,
// because az acr run prepends "version: v1.1.0" to local files.
//
// # Defaults
//
// Defaults follow Azure/acr-builder: version v1.0.0, step timeout 600 s,
// retry delay 5 s, step ids acb_step_<index>, the acb_default_network bridge
// network when the task declares none, working directory and env inherited
// from the task (env merged key by key, the step wins). Two reference bugs are
// fixed on purpose: task env values may contain commas, and duplicate ids in
// one when list are removed (with a warning) instead of hanging the run.
// Push references without tag or digest get ":latest"; a colon before the
// last slash is a registry port, not a tag.
//
// # Dependencies
//
// NewDAG follows the ACR rules: a step without when runs after the step just
// above it (the first step starts at once), when: ["-"] starts at once, and a
// list of ids waits for all of them. A when list may only name earlier steps,
// so file order is always a topological order and cycles cannot occur.
//
// The package is pure: it reads only its arguments and writes only to the
// io.Writer it is given. Parsed values are not safe for concurrent mutation,
// but may be read from several goroutines at once.
package graph
