package graph

import "github.com/acb-dev/acb/internal/diag"

// Defaults the reference engine applies (acr-builder-behaviour.md §2.2, §2.3).
const (
	// DefaultStepTimeout is the per-step timeout in seconds when neither the
	// task's stepTimeout nor the step's timeout is positive.
	DefaultStepTimeout = 600
	// DefaultRetryDelay is the delay between retries in seconds when a step's
	// retryDelay is not positive.
	DefaultRetryDelay = 5
	// DefaultNetworkName is the bridge network created when the task declares
	// no networks.
	DefaultNetworkName = "acb_default_network"
	// DefaultNetworkDriver is the driver of the default network on Linux.
	DefaultNetworkDriver = "bridge"
	// DefaultVersion is the version of a task file that declares none.
	DefaultVersion = "v1.0.0"
	// WorkspaceDir is where the run volume is mounted in every step.
	WorkspaceDir = "/workspace"
	// ImmediateToken in a when list means "no dependency: start at once".
	ImmediateToken = "-"
	// RootID is reserved for the DAG's root vertex.
	RootID = "acb_root"
	// StepIDPrefix prefixes generated step ids: acb_step_0, acb_step_1, ...
	StepIDPrefix = "acb_step_"
)

// Task is a parsed, defaulted task file: what the executor runs.
type Task struct {
	File             string // name of the task file, for messages
	Version          string
	StepTimeout      int
	TotalTimeout     int // legacy key, accepted with a warning; 0 when absent
	WorkingDirectory string
	Env              []string
	Secrets          []*Secret
	Networks         []*Network
	Volumes          []*Volume
	Steps            []*Step

	// Warnings collects accepted oddities (legacy keys, lenient unknown keys).
	Warnings diag.List

	dag *DAG // the graph Parse built while checking ids and when; see NewDAG
}

// Secret is a task-level secret: a Key Vault reference read with a managed identity.
type Secret struct {
	ID       string
	KeyVault string
	ClientID string
	Pos      diag.Position
}

// Network is a Docker network the run creates or joins.
type Network struct {
	Name         string
	Driver       string
	IPv6         bool
	SkipCreation bool
	IsDefault    bool
	Pos          diag.Position
}

// Volume is a named volume filled with secret files. Secret maps a file name
// to its base64-encoded content.
type Volume struct {
	Name   string
	Secret map[string]string
	Pos    diag.Position
}

// VolumeMount mounts a task volume into a step container.
type VolumeMount struct {
	Name      string
	MountPath string
	Pos       diag.Position
}

// StepType says which one of build, push or cmd a step is.
type StepType int

const (
	// CmdStep runs an image as a command.
	CmdStep StepType = iota
	// BuildStep runs docker build arguments.
	BuildStep
	// PushStep pushes images.
	PushStep
)

// String returns "cmd", "build" or "push".
func (t StepType) String() string {
	switch t {
	case BuildStep:
		return "build"
	case PushStep:
		return "push"
	}
	return "cmd"
}

// Step is one step of a task, with defaults applied.
type Step struct {
	Index int    // 0-based position in the file
	ID    string // defaulted to acb_step_<Index>
	Type  StepType

	Cmd   string   // cmd steps
	Build string   // build steps: docker build arguments
	Push  []string // push steps: normalised with :latest, deduplicated

	When []string // as written (deduplicated); empty means "after the previous step"

	WorkingDirectory                string // as configured (task value when the step sets none)
	DisableWorkingDirectoryOverride bool
	EntryPoint                      string
	Env                             []string // task env merged key by key, step wins
	User                            string
	Network                         string // defaulted to the default network, if any
	Isolation                       string
	CPUs                            string
	Privileged                      bool
	Ports                           []string
	Expose                          []string
	Detach                          bool
	Keep                            bool
	Pull                            bool
	Cache                           string
	VolumeMounts                    []*VolumeMount

	Timeout    int // seconds; defaulted from stepTimeout
	StartDelay int // seconds
	Retries    int
	RetryDelay int // seconds; defaulted to 5
	// CmdDownloadRetries retries the explicit image pull of a cmd step with
	// pull: true; CmdDownloadRetryDelay is the delay between those retries in
	// seconds (no default: 0 retries at once).
	CmdDownloadRetries    int
	CmdDownloadRetryDelay int
	RetryOnErrors         []string
	Repeat                int
	IgnoreErrors          bool

	Pos diag.Position // where the step's mapping starts
}

// UsesBuildKit reports whether a build step asks for BuildKit through the
// exact env entry DOCKER_BUILDKIT=1 (task env included after merging), as
// the reference engine does.
func (s *Step) UsesBuildKit() bool {
	if s.Type != BuildStep {
		return false
	}
	for _, e := range s.Env {
		if e == "DOCKER_BUILDKIT=1" {
			return true
		}
	}
	return false
}

// DefaultNetwork returns the name of the network steps join when they set
// none: the last network marked IsDefault, or "" when there is none.
func (t *Task) DefaultNetwork() string {
	name := ""
	for _, n := range t.Networks {
		if n.IsDefault {
			name = n.Name
		}
	}
	return name
}
