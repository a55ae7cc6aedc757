// Package template is the text front end of acb: it turns the bytes of an
// ACR Tasks YAML file into the text that is parsed as YAML, and provides the
// image-alias rewrite applied after parsing.
//
// The order of operations follows acr-builder:
//
//  1. Comment handling (all versions). A line whose first non-blank
//     character is '#' is replaced by an empty line, so line numbers never
//     move. Unlike acr-builder, which deletes every such line, comment-looking
//     lines inside a YAML block scalar are kept: a block scalar starts on a
//     line ending in a '|' or '>' indicator (optionally with chomping and
//     indentation indicators and a trailing comment) that follows "key:" or a
//     sequence dash, and it runs over every following line that is blank or
//     indented deeper than that key (or dash). The detection is textual, so a
//     column-0 template action inside a block scalar ends the block early.
//     A comment line inside a block scalar that is indented less than the
//     block's content (or at or left of its key, with the block going on
//     after it) is deleted, as acr-builder deletes it, and an empty line is
//     added after the block to keep the line count.
//     Templates inside blanked comment lines are not rendered, as in
//     acr-builder.
//  2. Version detection ([FindVersion]) and the alias switch
//     ([AliasesEnabled]), a plain string comparison with "v1.1.0".
//  3. For v1.1.0 and later: the top-level alias: block is cut out (its lines
//     become empty lines), rendered as a template with the run [Data], parsed,
//     validated, and merged with its src files and the predefined table
//     ([DefaultAliases]); then every directive-prefixed name in the rest of the
//     text is substituted ([Substitute]).
//  4. Go text/template rendering with ACR's Sprig v2.22 function set ([Render],
//     [Document.Render]) with .Run, .Values, .Secrets, .ValuesJSON, .RunJSON
//     and the legacy .Build.ID.
//  5. YAML parsing happens elsewhere; afterwards [ExpandImageAlias] rewrites
//     the first token of each cmd.
//
// # Values and --set
//
// [LoadValues] reads a YAML values file; nested maps are converted to
// map[string]any recursively so that .ValuesJSON always marshals (acr-builder
// fails on any nested map). [SetValue] applies one --set key=value: the
// entry is split at the first '=', the value stays a string and commas are
// not split. Dotted keys are Helm-like: "a.b=c" sets key b inside map a
// (creating or replacing a as needed, last write wins). To set a key that
// contains a literal dot, escape it: "a\.b=c" sets the flat key "a.b",
// reachable with index .Values "a.b". This differs from acr-builder, where
// keys are always flat. [MergeValues] merges deeply; --set wins.
//
// # Rendering
//
// Rendering uses missingkey=zero. A missing key prints as the empty string;
// "<no value>" typed by the user is left alone (acr-builder deletes every
// "<no value>" from the output). b64enc encodes the fmt %v text of non-string
// values (acr-builder encodes "<int Value>"), and env/expandenv read only the
// map given in [RenderOptions.Env]. Template errors are [diag.Diagnostic]
// values whose position is in the original file, even after alias
// substitution. A render is bounded: range loops stop when the context is
// done, output beyond [RenderOptions.MaxOutput] fails with [ErrOutputLimit],
// and the functions whose result size comes from a count argument (repeat,
// until, untilStep, seq, indent, nindent, rand*, printf widths) fail rather
// than allocate past that limit.
//
// Every output byte of a render is traced to its source: bytes written by
// template text come from a known offset, bytes printed by an action are
// attributed to the action's place. [Rendered.OrigLine] and [Rendered.OrigPos]
// use that trace, so YAML errors in rendered text can be reported at the
// original line even when templates expand to several lines or remove lines.
package template
