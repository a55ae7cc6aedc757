package template

import (
	"runtime"
	"strings"
	"time"
)

// DateLayout is the Go layout of Run.Date: UTC time with a literal
// lower-case 'z', for example 20100520-131422z.
const DateLayout = "20060102-150405z"

// Run holds the run variables available to templates as .Run.
type Run struct {
	ID           string
	SharedVolume string
	Registry     string
	RegistryName string
	Date         string
	OS           string
	Architecture string
	Commit       string
	Branch       string
	TaskName     string
	Repository   string
	GitTag       string
	TriggeredBy  string
	OSVersion    string
}

// RunOptions are the inputs of [NewRun]; derived fields (RegistryName and
// Date) are computed, and an empty OS or Architecture defaults to the
// platform acb runs on.
type RunOptions struct {
	ID           string
	SharedVolume string
	Registry     string
	OS           string
	Architecture string
	Commit       string
	Branch       string
	TaskName     string
	Repository   string
	GitTag       string
	TriggeredBy  string
	OSVersion    string
}

// NewRun builds the run variables from opts, with Date taken from now.
func NewRun(opts RunOptions, now time.Time) Run {
	r := Run{
		ID:           opts.ID,
		SharedVolume: opts.SharedVolume,
		Registry:     opts.Registry,
		RegistryName: registryName(opts.Registry),
		Date:         now.UTC().Format(DateLayout),
		OS:           opts.OS,
		Architecture: opts.Architecture,
		Commit:       opts.Commit,
		Branch:       opts.Branch,
		TaskName:     opts.TaskName,
		Repository:   opts.Repository,
		GitTag:       opts.GitTag,
		TriggeredBy:  opts.TriggeredBy,
		OSVersion:    opts.OSVersion,
	}
	if r.OS == "" {
		r.OS = runtime.GOOS
	}
	if r.Architecture == "" {
		r.Architecture = runtime.GOARCH
	}
	return r
}

// registryName returns the text before the first '.', or all of it.
func registryName(registry string) string {
	name, _, _ := strings.Cut(registry, ".")
	return name
}

// fields returns the run variables by name, for .RunJSON.
func (r Run) fields() map[string]string {
	return map[string]string{
		"ID":           r.ID,
		"SharedVolume": r.SharedVolume,
		"Registry":     r.Registry,
		"RegistryName": r.RegistryName,
		"Date":         r.Date,
		"OS":           r.OS,
		"Architecture": r.Architecture,
		"Commit":       r.Commit,
		"Branch":       r.Branch,
		"TaskName":     r.TaskName,
		"Repository":   r.Repository,
		"GitTag":       r.GitTag,
		"TriggeredBy":  r.TriggeredBy,
		"OSVersion":    r.OSVersion,
	}
}

// Data is what a task template is rendered with.
type Data struct {
	Run     Run
	Values  map[string]any
	Secrets map[string]string
}
