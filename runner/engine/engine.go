// Package engine is the contract between the executor (package runner) and a
// container engine adapter (package runner/docker). It holds acb's own types
// only: no Docker Engine API type crosses this boundary.
package engine

import (
	"context"
	"errors"
	"io"
	"time"
)

// ErrNotFound is returned (wrapped) when an image, container, network or
// volume does not exist.
var ErrNotFound = errors.New("not found")

// ErrConflict is returned (wrapped) when a container or network name is
// already in use.
var ErrConflict = errors.New("name already in use")

// ErrStopNow, as the cause of a context's cancellation
// (context.WithCancelCause; errors.Is on the cause), asks the engine to
// kill the containers that context runs at once, without the stop grace:
// acb does so for the steps still running when another step fails, as ACR
// does.
var ErrStopNow = errors.New("stop at once")

// Labels every object acb creates carries, so a run's leftovers can be found.
const (
	LabelRun = "dev.acb.run" // value: the run id (--id, chosen by the user)
	// LabelHelperVolume marks the never-started helper containers that
	// copy into and out of a volume.
	LabelHelperVolume = "dev.acb.helper-volume" // value: the volume's name
)

// Mount is a volume or bind mount in a container.
type Mount struct {
	Type     string // "volume" or "bind"
	Source   string // volume name or host path
	Target   string // absolute path in the container
	ReadOnly bool
}

// ContainerSpec describes a container to create.
type ContainerSpec struct {
	Name        string
	Image       string
	Cmd         []string // arguments after the image
	Entrypoint  []string // nil keeps the image's entrypoint
	Env         []string
	WorkingDir  string // empty keeps the image's WORKDIR
	User        string
	Network     string // network name; empty means the engine default
	Aliases     []string
	Mounts      []Mount
	Ports       []string // docker run -p syntax
	Expose      []string // docker run --expose syntax
	ExtraHosts  []string // host:ip
	Labels      map[string]string
	Privileged  bool
	Init        bool
	TTY         bool
	OpenStdin   bool
	Isolation   string
	MemoryBytes int64
	NanoCPUs    int64
	AutoRemove  bool
}

// Streams receives a container's output. Either may be nil to discard.
type Streams struct {
	Stdout io.Writer
	Stderr io.Writer
}

// BuildSpec describes an image build. Context is a tar stream of the build
// context; it is read once and never held whole in memory.
type BuildSpec struct {
	Context    io.Reader
	Dockerfile string // path inside the context
	Tags       []string
	BuildArgs  map[string]*string
	Target     string
	NoCache    bool
	Pull       bool
	Labels     map[string]string
	Platform   string
	Network    string
	ExtraHosts []string
	Isolation  string
	CacheFrom  []string
	RemoteURL  string // a git or tarball URL the engine fetches itself; Context is then nil
	Auth       map[string]RegistryAuth
}

// RegistryAuth is a credential for one registry.
type RegistryAuth struct {
	Username      string
	Password      string
	IdentityToken string
	ServerAddress string
}

// ImageInfo is what acb needs to know about a local image.
type ImageInfo struct {
	ID          string
	RepoDigests []string
}

// NetworkSpec describes a network to create.
type NetworkSpec struct {
	Name   string
	Driver string
	IPv6   bool
	Labels map[string]string
}

// Engine is everything the executor asks of a container engine: the small
// interfaces below, which code that needs only part of an engine (and its
// test doubles) can take instead.
type Engine interface {
	Volumes
	Networks
	Containers
	Images
	Registries
}

// Volumes are an engine's named volumes.
type Volumes interface {
	// CreateVolume creates a named volume.
	CreateVolume(ctx context.Context, name string, labels map[string]string) error
	// RemoveVolume removes a named volume.
	RemoveVolume(ctx context.Context, name string) error
	// CopyToVolume unpacks a tar stream into a volume's root.
	CopyToVolume(ctx context.Context, volume string, tar io.Reader) error
	// CopyFromVolume streams a tar of path (relative to the volume root).
	CopyFromVolume(ctx context.Context, volume, path string) (io.ReadCloser, error)
}

// Networks are an engine's networks.
type Networks interface {
	// CreateNetwork creates a network; NetworkGateway returns its IPv4 gateway.
	CreateNetwork(ctx context.Context, spec NetworkSpec) error
	RemoveNetwork(ctx context.Context, name string) error
	NetworkExists(ctx context.Context, name string) (bool, error)
	// NetworkGateway returns a network's IPv4 gateway address (the host's
	// address on a bridge network), or an error when it has none.
	NetworkGateway(ctx context.Context, name string) (string, error)
}

// Containers run a step's container.
type Containers interface {
	// RunContainer creates, starts and waits for a container, streaming its
	// output, and returns its exit code. Cancelling ctx stops the container.
	// The container is not removed: call RemoveContainer.
	RunContainer(ctx context.Context, spec ContainerSpec, out Streams) (exitCode int, err error)
	// StartContainer creates and starts a container without waiting, and
	// returns its id.
	StartContainer(ctx context.Context, spec ContainerSpec) (id string, err error)
	// RemoveContainer force-removes a container by name or id.
	RemoveContainer(ctx context.Context, nameOrID string) error
}

// Images are an engine's image store and its builds.
type Images interface {
	// Build builds an image, streaming the engine's progress as text to out.
	Build(ctx context.Context, spec BuildSpec, out io.Writer) (imageID string, err error)
	// Pull pulls an image, streaming progress as text to out.
	Pull(ctx context.Context, ref string, auth *RegistryAuth, out io.Writer) error
	// Push pushes an image and returns the pushed manifest digest.
	Push(ctx context.Context, ref string, auth *RegistryAuth, out io.Writer) (digest string, err error)
	// InspectImage returns a local image's id and repo digests, or ErrNotFound.
	InspectImage(ctx context.Context, ref string) (ImageInfo, error)
}

// Registries check registry logins as the engine sees them.
type Registries interface {
	// Login checks auth against its registry (auth.ServerAddress) as
	// `docker login` does; the error names the HTTP status the engine reports.
	Login(ctx context.Context, auth RegistryAuth) error
}

// ContainerLister is implemented by engines that can list the containers
// carrying a label. After a failed or interrupted run the executor uses it
// to find containers whose creation raced with the cancellation (the engine
// may finish a create the client already gave up on).
type ContainerLister interface {
	// ListContainers returns the names of the containers, running or not,
	// labelled key=value.
	ListContainers(ctx context.Context, key, value string) ([]string, error)
}

// ContainerPreparer is implemented by engines that can create a container
// ahead of running it. The executor creates the next step's container
// while its dependency still runs, so only the start lies between the two.
type ContainerPreparer interface {
	// CreateContainer creates a container (not started) and returns its id.
	CreateContainer(ctx context.Context, spec ContainerSpec) (id string, err error)
	// RunCreated runs a container CreateContainer made from spec, as
	// RunContainer does after its create (output, stop on cancellation, not
	// removed).
	RunCreated(ctx context.Context, id string, spec ContainerSpec, out Streams) (exitCode int, err error)
}

// LabelLister is implemented by engines that can list networks and volumes by
// label, so that a failed run removes what it created even when a create
// completed on the engine after the client gave up on it.
type LabelLister interface {
	// ListNetworks returns the names of the networks labelled key=value.
	ListNetworks(ctx context.Context, key, value string) ([]string, error)
	// ListVolumes returns the names of the volumes labelled key=value.
	ListVolumes(ctx context.Context, key, value string) ([]string, error)
}

// abortKey is the context key of WithAbort.
type abortKey struct{}

// WithAbort returns ctx carrying abort, a context that ends when the user
// asks acb to stop at once (a second interrupt). Work an engine or the
// executor does after ctx's cancellation — stopping and removing
// containers, the clean-up — runs on Detached contexts, which abort ends.
func WithAbort(ctx, abort context.Context) context.Context {
	if abort == nil {
		return ctx
	}
	return context.WithValue(ctx, abortKey{}, abort)
}

// Detached returns a context for work that must go on after ctx is
// cancelled (stopping, removing): it keeps ctx's values, ends after d, and
// ends at once when ctx's abort context (WithAbort) ends.
func Detached(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	c, cancel := context.WithTimeout(context.WithoutCancel(ctx), d)
	abort, _ := ctx.Value(abortKey{}).(context.Context)
	if abort == nil {
		return c, cancel
	}
	stop := context.AfterFunc(abort, cancel)
	return c, func() { stop(); cancel() }
}

// Terminal is an output writer (of Build, Pull, Push) that ends on a
// terminal: the engine adapter then renders progress as the docker CLI does
// on a terminal (progress bars, lines rewritten in place) instead of one
// line per phase.
type Terminal interface {
	io.Writer
	// TerminalFd is the terminal's file descriptor, for its width.
	TerminalFd() uintptr
}
