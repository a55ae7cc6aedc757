package load

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/acb-dev/acb/graph"
	"github.com/acb-dev/acb/internal/diag"
	"github.com/acb-dev/acb/internal/inputfile"
	"github.com/acb-dev/acb/runner/fault"
	"github.com/acb-dev/acb/template"
)

// SecretPlaceholder is what an unresolved secret renders as when
// Options.AllowUnresolvedSecrets is set (acb render and validate).
const SecretPlaceholder = "***"

// SecretResolver resolves task secrets (the secrets: list) to their values,
// for example from Azure Key Vault. It returns every value it could resolve
// and an error listing every one it could not.
type SecretResolver interface {
	ResolveSecrets(ctx context.Context, secrets []*graph.Secret) (map[string]string, error)
}

// Options configure how a task file is read, rendered, parsed and graphed.
type Options struct {
	// File is the task file path; "-" reads Stdin.
	File string
	// Stdin is read when File is "-".
	Stdin io.Reader
	// ValuesFiles are YAML values files, merged in order.
	ValuesFiles []string
	// Set are --set key=value entries; they win over ValuesFiles.
	Set []string
	// SetSecrets are --set-secret key=value entries: readable as
	// .Values.key, and masked in all output.
	SetSecrets []string
	// Secrets are offline values for task secrets by id (--secret id=value);
	// they win over Resolver.
	Secrets map[string]string
	// Resolver resolves task secrets not given in Secrets; nil means none.
	Resolver SecretResolver
	// AllowUnresolvedSecrets renders unresolved secrets as SecretPlaceholder
	// instead of failing (for render and validate).
	AllowUnresolvedSecrets bool
	// Run are the run variables (.Run); Date is taken from Now. An empty
	// Run.ID gets a new id (NewRunID).
	Run template.RunOptions
	// Now is the run's start time; zero means time.Now().
	Now time.Time
	// Aliases override predefined aliases (--alias name=value).
	Aliases []string
	// Env is what the Sprig env function reads; nil means empty.
	Env map[string]string
	// Lenient accepts what ACR accepts, with a warning: unknown and
	// duplicate keys, negative timeout and startDelay, two alias blocks and
	// unknown alias keys; an unknown .Run.X renders empty.
	Lenient bool
	// Network, WorkingDirectory and DefaultEnv are the CLI's task defaults
	// (--network, --working-directory, --env).
	Network          string
	WorkingDirectory string
	DefaultEnv       []string
	// HTTPClient fetches alias src URLs; nil means a default client.
	HTTPClient *http.Client
	// AllowNetwork lets the load reach the network as ACR's would: fetch
	// alias src URLs and resolve getHostByName. Without it (render,
	// validate, graph on an untrusted file) URL srcs are reported, not
	// fetched, and getHostByName answers "".
	AllowNetwork bool
	// SrcRoot confines local alias src files (symlinks followed); empty
	// means the task file's directory. acb run sets the context root.
	SrcRoot string
}

// Loaded is a task ready to run: rendered, parsed, validated and graphed.
type Loaded struct {
	File     string
	Document *template.Document
	Rendered string // the rendered YAML, with real secret values
	Data     template.Data
	Task     *graph.Task
	DAG      *graph.DAG
	// ImageAliases is the rendered alias table applied to the first token of
	// cmd steps (nil when aliases are off).
	ImageAliases map[string]string
	// SecretValues lists every secret value the render used, for masking.
	SecretValues []string
	// Warnings collects accepted oddities with positions.
	Warnings diag.List
}

// FromFile runs the front end: read the file, aliases, render (with a secrets
// pre-pass), parse YAML, validate, apply image aliases, and build the DAG.
// Errors wrap fault.ErrInput, except a failing Key Vault (a *secrets.SecretError
// of a kind other than ErrMissing or ErrBadURL); errors with positions are
// graph.Diagnostics or graph.Diagnostic values.
func FromFile(ctx context.Context, opts Options) (*Loaded, error) {
	name, src, err := readTask(ctx, opts)
	if err != nil {
		return nil, fault.AsInput(err)
	}
	return FromBytes(ctx, name, src, opts)
}

// FromBytes is FromFile on a task already in memory; name is used in messages
// and anchors relative alias src paths.
func FromBytes(ctx context.Context, name string, src []byte, opts Options) (*Loaded, error) {
	loaded, err := loadBytes(ctx, name, src, opts)
	return loaded, fault.AsInput(err)
}

func loadBytes(ctx context.Context, name string, src []byte, opts Options) (*Loaded, error) {
	values, secretValues, err := loadValues(opts)
	if err != nil {
		return nil, err
	}
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	if opts.Run.ID == "" {
		// ACR always has a run id; so does every acb run: generated here,
		// once, and given to the executor through Loaded.Data.Run.ID.
		opts.Run.ID = NewRunID()
	}
	data := template.Data{
		Run:     template.NewRun(opts.Run, now),
		Values:  values,
		Secrets: map[string]string{},
	}
	aliases := map[string]string{}
	for _, kv := range opts.Aliases {
		if err := template.SetAlias(aliases, kv); err != nil {
			return nil, fmt.Errorf("--alias %q: %w", kv, err)
		}
	}
	renderOpts := template.RenderOptions{Env: opts.Env, Lenient: opts.Lenient, ResolveHosts: opts.AllowNetwork}
	if opts.AllowUnresolvedSecrets {
		renderOpts.UnresolvedSecret = SecretPlaceholder
	}
	doc, err := template.Expand(ctx, name, src, data, template.Options{
		Render:     renderOpts,
		Aliases:    aliases,
		HTTPClient: opts.HTTPClient,
		FetchURLs:  opts.AllowNetwork,
		SrcRoot:    opts.SrcRoot,
		Lenient:    opts.Lenient,
	})
	if err != nil {
		return nil, err
	}

	secrets, err := resolveTaskSecrets(ctx, doc, data, renderOpts, opts)
	var secretsProblems diag.List
	if errors.As(err, &secretsProblems) {
		// A problem in the secrets: list; the final parse reports it
		// again together with every other problem of the task.
		secrets, err = map[string]string{}, nil
	}
	if err != nil {
		return nil, err
	}
	data.Secrets = secrets
	for _, v := range secrets {
		if v != SecretPlaceholder {
			secretValues = append(secretValues, v)
		}
	}

	rendered, err := doc.Render(ctx, data, renderOpts)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(rendered.Text) == "" && strings.TrimSpace(doc.Text) != "" && len(bytes.TrimSpace(src)) > 0 {
		// An all-comment file renders empty and is a valid empty task; a
		// template that renders to nothing is almost certainly a mistake.
		if strings.Contains(doc.Text, "{{") {
			return nil, diag.Errorf(diag.Position{File: name}, "", "the task rendered to an empty document")
		}
	}
	task, err := graph.Parse([]byte(rendered.Text), graph.ParseOptions{
		File:             name,
		Lenient:          opts.Lenient,
		LineMap:          rendered.OrigLine,
		Network:          opts.Network,
		WorkingDirectory: opts.WorkingDirectory,
		Env:              opts.DefaultEnv,
		CheckSecretURL:   checkSecretURL,
	})
	if err != nil {
		return nil, withEmptyRunHints(err, name, data.Run, doc.Text)
	}
	if secretsProblems != nil {
		return nil, secretsProblems
	}
	var table map[string]string
	if doc.AliasesEnabled && len(doc.Aliases) > 0 {
		table, err = template.RenderAliases(ctx, doc.Aliases, data, renderOpts)
		if err != nil {
			return nil, err
		}
		for _, s := range task.Steps {
			if s.Type == graph.CmdStep {
				s.Cmd = template.ExpandImageAlias(s.Cmd, table)
			}
		}
	}
	dag, err := graph.NewDAG(task)
	if err != nil {
		return nil, err
	}
	return &Loaded{
		File:         name,
		Document:     doc,
		Rendered:     rendered.Text,
		Data:         data,
		Task:         task,
		DAG:          dag,
		ImageAliases: table,
		SecretValues: secretValues,
		Warnings:     append(doc.Warnings, task.Warnings...),
	}, nil
}

func readTask(ctx context.Context, opts Options) (string, []byte, error) {
	if opts.File == "-" {
		if opts.Stdin == nil {
			return "", nil, errors.New("task file - (stdin) given but no input is attached")
		}
		b, err := inputfile.ReadStream(ctx, "stdin", opts.Stdin, inputfile.MaxSize)
		if err != nil {
			return "", nil, fmt.Errorf("read task from stdin: %w", err)
		}
		return "<stdin>", b, nil
	}
	b, err := inputfile.Read(opts.File, inputfile.MaxSize)
	if err != nil {
		return "", nil, fmt.Errorf("read task file: %w", err)
	}
	return opts.File, b, nil
}

// loadValues merges the values files and --set entries; --set-secret
// entries are set too and their values returned for masking.
func loadValues(opts Options) (map[string]any, []string, error) {
	values := map[string]any{}
	for _, path := range opts.ValuesFiles {
		b, err := inputfile.Read(path, inputfile.MaxSize)
		if err != nil {
			return nil, nil, fmt.Errorf("read values file: %w", err)
		}
		v, err := template.LoadValues(bytes.NewReader(b), path)
		if err != nil {
			return nil, nil, err
		}
		values = template.MergeValues(values, v)
	}
	for _, kv := range opts.Set {
		if err := template.SetValue(values, kv); err != nil {
			return nil, nil, fmt.Errorf("--set %q: %w", kv, err)
		}
	}
	var secretValues []string
	for _, kv := range opts.SetSecrets {
		if err := template.SetValue(values, kv); err != nil {
			// Never echo the entry, nor its key: without "=" the key is the secret.
			return nil, nil, errors.New("invalid --set-secret argument: expected key=value (the argument is not shown, it may be a secret)")
		}
		if _, v, ok := strings.Cut(kv, "="); ok && v != "" {
			secretValues = append(secretValues, v)
		}
	}
	return values, secretValues, nil
}

// resolveTaskSecrets runs the secrets pre-pass: render with empty secrets,
// read the secrets: list, and resolve each id from the offline values or the
// resolver. Every unresolved secret is listed in one error.
func resolveTaskSecrets(ctx context.Context, doc *template.Document, data template.Data, renderOpts template.RenderOptions, opts Options) (map[string]string, error) {
	out := map[string]string{}
	if !strings.Contains(doc.Text, "secrets") {
		return out, nil
	}
	list, err := preRenderSecrets(ctx, doc, data, renderOpts)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return out, nil
	}
	var pending []*graph.Secret
	for _, s := range list {
		if v, ok := opts.Secrets[s.ID]; ok {
			out[s.ID] = v
			continue
		}
		pending = append(pending, s)
	}
	var resolveErr error
	if len(pending) > 0 && opts.Resolver != nil {
		got, err := opts.Resolver.ResolveSecrets(ctx, pending)
		resolveErr = err
		for id, v := range got {
			out[id] = v
		}
	}
	var missing []string
	for _, s := range pending {
		if _, ok := out[s.ID]; ok {
			continue
		}
		if opts.AllowUnresolvedSecrets {
			out[s.ID] = SecretPlaceholder
			continue
		}
		missing = append(missing, s.ID)
	}
	if len(missing) == 0 {
		return out, nil
	}
	if resolveErr != nil {
		// Not fault.ErrInput: an unreachable vault is no fault of the task.
		return nil, fmt.Errorf("resolve task secrets before the first step: %w", resolveErr)
	}
	sort.Strings(missing)
	return nil, fmt.Errorf("%w: unresolved task secrets: %s; give them with --secret id=value, --secret-file or ACB_SECRET_<ID>", fault.ErrInput, strings.Join(missing, ", "))
}

// withEmptyRunHints adds a note to YAML errors when run variables the task
// uses rendered empty: "-t {{.Run.Registry}}/x:{{.Run.ID}}" becomes
// "-t /x:", which YAML reads as a mapping.
func withEmptyRunHints(err error, file string, run template.Run, text string) error {
	var list diag.List
	if !errors.As(err, &list) {
		return err
	}
	var empty []string
	for _, v := range []struct{ name, value string }{{"Registry", run.Registry}, {"ID", run.ID}, {"Commit", run.Commit}, {"Branch", run.Branch}} {
		if v.value == "" && strings.Contains(text, ".Run."+v.name) {
			empty = append(empty, ".Run."+v.name)
		}
	}
	if len(empty) == 0 {
		return err
	}
	note := diag.Warnf(diag.Position{File: file}, "", "%s rendered empty (give --registry, --id, --commit or --branch); empty values can break the YAML", strings.Join(empty, ", "))
	return append(list, note)
}

// TaskDir returns the directory a task file's relative paths resolve from.
func TaskDir(file string) string {
	if file == "-" || file == "" {
		return "."
	}
	return filepath.Dir(file)
}
