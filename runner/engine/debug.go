package engine

import (
	"context"
	"io"
)

// More labels acb sets (see LabelRun).
const (
	// LabelStep is set on step containers: the step id.
	LabelStep = "dev.acb.step"
	// LabelOwner names the acb invocation that created an object,
	// "<host>/<pid>/<process start>/<uuid>": acb clean tells a live run's
	// objects from what a finished or killed run left behind by the
	// process part, and a failed run sweeps only what carries its own
	// value, so two runs given the same --id never remove each other's
	// objects.
	LabelOwner = "dev.acb.owner"
	// LabelShellImage marks the images acb shell commits ("true"): the
	// only images acb clean removes (a step's own docker commit inherits
	// the step container's dev.acb.run label and is the user's).
	LabelShellImage = "dev.acb.shell-image"
)

// ContainerInfo is what acb needs of an existing container to start
// another one like it (acb shell).
type ContainerInfo struct {
	ID         string
	Name       string
	Image      string // the image id
	Env        []string
	WorkingDir string
	User       string
	Network    string
	Mounts     []Mount
	Labels     map[string]string
	Running    bool
	ExitCode   int
}

// TermSize is a terminal's size in characters.
type TermSize struct {
	Height, Width uint
}

// Interactive is a container's standard streams for RunInteractive.
type Interactive struct {
	// Stdin feeds the container's standard input; nil closes it at once, so
	// a program reading it sees end-of-file instead of waiting.
	Stdin io.Reader
	// Stdout receives the output (all of it with a TTY); Stderr the error
	// output without a TTY. Either may be nil to discard.
	Stdout, Stderr io.Writer
	// Resize delivers terminal sizes (the first one before the start);
	// nil for none.
	Resize <-chan TermSize
}

// Debugger is implemented by engines that support acb's debug loop:
// interactive containers, inspecting and committing kept containers.
type Debugger interface {
	// RunInteractive is RunContainer with standard input (spec.OpenStdin
	// is implied) and, with spec.TTY, terminal resizes.
	RunInteractive(ctx context.Context, spec ContainerSpec, streams Interactive) (exitCode int, err error)
	// InspectContainer describes a container by name or id.
	InspectContainer(ctx context.Context, nameOrID string) (ContainerInfo, error)
	// CommitContainer makes an image of a container's file system and
	// returns its id.
	CommitContainer(ctx context.Context, nameOrID string, labels map[string]string) (imageID string, err error)
}

// Object is an engine object acb created, as acb clean lists it.
type Object struct {
	Kind    string // "container", "network", "volume" or "image"
	Name    string // container, network or volume name; image id
	Labels  map[string]string
	Running bool  // containers
	Created int64 // containers and images: Unix seconds
}

// Sweeper is implemented by engines that can list and remove what acb
// runs created (acb clean, acb shell).
type Sweeper interface {
	// ListRunObjects lists the containers (running or not), networks,
	// volumes and acb shell's images (LabelShellImage) labelled LabelRun
	// (=run when run is not empty):
	// containers first, then networks, volumes and images, each by name.
	ListRunObjects(ctx context.Context, run string) ([]Object, error)
	// RemoveObject removes a listed object; a missing one is not an error.
	RemoveObject(ctx context.Context, o Object) error
}
