package main

import (
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"

	"github.com/acb-dev/acb/graph"
	"github.com/acb-dev/acb/runner"
	"github.com/acb-dev/acb/runner/docker/endpoint"
	"github.com/acb-dev/acb/runner/load"
	"github.com/acb-dev/acb/runner/output"
)

// flagValues lists the fixed values of enumerated flags, by command path and
// flag name, each as "value\tdescription" for shells that show descriptions.
func flagValues() map[string]map[string][]string {
	outputs := []string{"text\thuman-readable", "json\tmachine-readable"}
	return map[string]map[string][]string{
		"acb run": {
			"pull": {
				runner.PullMissing + "\tpull images not on the engine (default)",
				runner.PullAlways + "\talways pull cmd step images",
				runner.PullNever + "\tnever pull; missing images fail the step",
			},
			"log-format": {string(output.Text) + "\tACR's log lines (default)", string(output.JSON) + "\tone JSON object per event and output line"},
			"prefix": {
				runner.PrefixAuto + "\tprefix when steps may run in parallel (default)",
				runner.PrefixAlways + "\tprefix every output line with its step id",
				runner.PrefixNever + "\tprint step output as is",
			},
		},
		"acb graph":    {"format": {"text\twaves and dependencies (default)", "dot\tGraphviz", "mermaid\tMermaid flowchart"}},
		"acb validate": {"output": outputs},
		"acb version":  {"output": outputs},
	}
}

// stepSelectionFlags are acb run's step-selecting flags: they complete the
// task's step ids. A new one is added here (or registers completeStepIDs).
var stepSelectionFlags = [...]string{"target", "only", "from", "skip"}

// registerCompletions gives flags their value completions: fixed values,
// task files, docker context names (for --context, where a command has it)
// and step ids. Flags that already have a completion keep it.
func registerCompletions(root *cobra.Command) {
	fixed := flagValues()
	walkCommands(root, func(c *cobra.Command) {
		register := func(name string, fn cobra.CompletionFunc) {
			if c.Flags().Lookup(name) == nil {
				return
			}
			if _, ok := c.GetFlagCompletionFunc(name); ok {
				return
			}
			_ = c.RegisterFlagCompletionFunc(name, fn)
		}
		for name, values := range fixed[c.CommandPath()] {
			register(name, cobra.FixedCompletions(values, cobra.ShellCompDirectiveNoFileComp))
		}
		register("context", completeContextNames)
		for _, name := range stepSelectionFlags {
			register(name, completeStepIDs)
		}
		if f := c.Flags().Lookup("file"); f != nil && f.Shorthand == "f" {
			register("file", completeTaskFiles)
		}
		register("values", completeTaskFiles)
	})
}

// completeTaskFiles completes YAML files.
func completeTaskFiles(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
	return []cobra.Completion{"yaml", "yml"}, cobra.ShellCompDirectiveFilterFileExt
}

// completeContextNames completes the docker CLI's context names: "default"
// and every context in its store ($DOCKER_CONFIG, else ~/.docker).
func completeContextNames(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	var out []cobra.Completion
	for _, name := range dockerContextNames(endpoint.ConfigDir(os.Getenv)) {
		if strings.HasPrefix(name, toComplete) {
			out = append(out, name)
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

// dockerContextNames lists "default" and the contexts the docker CLI stores
// in configDir, sorted. An unreadable store lists only "default": this only
// feeds completion.
func dockerContextNames(configDir string) []string {
	names := []string{endpoint.DefaultContext}
	stored, _ := endpoint.NewStore(configDir).List()
	for _, meta := range stored {
		if meta.Name != endpoint.DefaultContext {
			names = append(names, meta.Name)
		}
	}
	sort.Strings(names[1:])
	return names
}

// completeStepIDs completes the step ids of the command's task file
// (--file, relative to acb run's CONTEXT argument), rendered with the
// --set and --values given so far.
func completeStepIDs(c *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	file, _ := c.Flags().GetString("file")
	if file == "" || file == "-" {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	if c.Name() == "run" && len(args) == 1 && !filepath.IsAbs(file) {
		file = filepath.Join(args[0], file)
	}
	set, _ := c.Flags().GetStringArray("set")
	values, _ := c.Flags().GetStringArray("values")
	var out []cobra.Completion
	for _, id := range taskStepIDs(c, file, set, values) {
		if strings.HasPrefix(id, toComplete) {
			out = append(out, id)
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

// taskStepIDs loads a task file leniently and lists its step ids in file
// order. A task that does not load (a missing value, a validation error)
// still yields the ids a plain YAML reading finds, templates blanked.
func taskStepIDs(c *cobra.Command, file string, set, values []string) []string {
	loaded, err := load.FromFile(c.Context(), load.Options{
		File:                   file,
		Set:                    set,
		ValuesFiles:            values,
		Lenient:                true,
		AllowUnresolvedSecrets: true,
		// Completion never goes to the network for alias src: files.
		HTTPClient: &http.Client{Transport: offlineTransport{}},
	})
	if err == nil {
		ids := make([]string, 0, len(loaded.Task.Steps))
		for _, s := range loaded.Task.Steps {
			ids = append(ids, s.ID)
		}
		return ids
	}
	return rawStepIDs(file)
}

// templateExpr matches a Go template action, for rawStepIDs.
var templateExpr = regexp.MustCompile(`\{\{.*?\}\}`)

// rawStepIDs reads the steps' ids from the file's YAML with every template
// action replaced by a placeholder; steps without an id get acb's default.
func rawStepIDs(file string) []string {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil
	}
	var task struct {
		Steps []struct {
			ID string `yaml:"id"`
		} `yaml:"steps"`
	}
	if yaml.Unmarshal(templateExpr.ReplaceAll(b, []byte("x")), &task) != nil {
		return nil
	}
	ids := make([]string, 0, len(task.Steps))
	for i, s := range task.Steps {
		if s.ID == "" {
			s.ID = graph.StepIDPrefix + strconv.Itoa(i)
		}
		ids = append(ids, s.ID)
	}
	return ids
}

// offlineTransport refuses every request.
type offlineTransport struct{}

func (offlineTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	return nil, errors.New("completion reads no URLs: " + r.URL.Redacted())
}
